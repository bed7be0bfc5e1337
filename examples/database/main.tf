# A database inside the network's VPC. The password arrives as a secret
# (TF_VAR_db_password) and leaves as a sensitive output: both are masked.
variable "vpc_id" {
  type = string
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "environment" {
  type = string
}

variable "owner" {
  type    = string
  default = "unknown"
}

resource "terraform_data" "db" {
  input = {
    tier        = "data" # weighs in policies/blast-radius.policy.yaml
    vpc_id      = var.vpc_id
    environment = var.environment
    owner       = var.owner
  }
}

output "endpoint" {
  value = "db-${substr(sha1(var.vpc_id), 0, 6)}.internal:5432"
}

output "connection_string" {
  value     = "postgres://app:${var.db_password}@db-${substr(sha1(var.vpc_id), 0, 6)}.internal:5432/app"
  sensitive = true
}
