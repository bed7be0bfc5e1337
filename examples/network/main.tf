# The shared network. Uses only the built-in terraform_data resource, so the
# example fleet applies offline with no provider download.
variable "cidr" {
  type = string
}

variable "environment" {
  type = string
}

variable "owner" {
  type    = string
  default = "unknown"
}

resource "terraform_data" "vpc" {
  input = {
    tier        = "core" # weighs in policies/blast-radius.policy.yaml
    cidr        = var.cidr
    environment = var.environment
    owner       = var.owner
  }
}

output "vpc_id" {
  value = "vpc-${substr(sha1(terraform_data.vpc.input.cidr), 0, 8)}"
}

output "subnet_id" {
  value = "subnet-${substr(sha1("${var.cidr}/a"), 0, 8)}"
}
