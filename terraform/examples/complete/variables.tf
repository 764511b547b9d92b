variable "environment" {
  description = "Environment name: dev, staging or production."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "production"], var.environment)
    error_message = "environment must be dev, staging or production."
  }
}

variable "region" {
  description = "AWS region of the environment."
  type        = string
  default     = "eu-west-1"
}

variable "cidr_block" {
  description = "IPv4 /16 of the environment's VPC. Null means the environment's CIDR in main.tf, which the environment's overlay under gitops/ allows the services to reach the database and broker in."
  type        = string
  default     = null
}

variable "repository_url" {
  description = "HTTPS URL of the Git repository holding gitops/ (your fork, when you run your own copy)."
  type        = string
  default     = "https://github.com/parley-messaging/parley.git"
}

variable "admin_principal_arns" {
  description = "IAM roles or users that administer the cluster (EKS access entries): the identity running this apply must be one, since the cluster creator gets no access of its own."
  type        = list(string)
}
