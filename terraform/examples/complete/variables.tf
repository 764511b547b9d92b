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
  description = "IPv4 /16 of the environment's VPC."
  type        = string
  default     = "10.40.0.0/16"
}

variable "repository_url" {
  description = "HTTPS URL of the Git repository holding gitops/."
  type        = string
}
