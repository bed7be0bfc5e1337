# The application: needs the network's subnet and the database endpoint.
variable "subnet" {
  type = string
}

variable "db_endpoint" {
  type = string
}

variable "dns_zone" {
  type = string
}

variable "environment" {
  type = string
}

variable "owner" {
  type    = string
  default = "unknown"
}

resource "terraform_data" "service" {
  input = {
    tier        = "app" # weighs in policies/blast-radius.policy.yaml
    subnet      = var.subnet
    db_endpoint = var.db_endpoint
    environment = var.environment
  }
}

output "url" {
  value = "https://app.${var.dns_zone}"
}
