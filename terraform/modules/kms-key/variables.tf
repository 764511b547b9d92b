variable "description" {
  description = "What the key encrypts, shown in the KMS console, e.g. `parley-production VPC flow logs`."
  type        = string

  validation {
    condition     = length(var.description) > 0 && length(var.description) <= 8192
    error_message = "description must be 1-8192 characters."
  }
}

variable "alias" {
  description = "Alias of the key without the `alias/` prefix, e.g. `parley-production-eks`."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9/_-]{1,250}$", var.alias)) && !startswith(var.alias, "aws/") && !startswith(var.alias, "alias/")
    error_message = "alias must be 1-250 letters, digits, '/', '_' or '-', without the alias/ prefix, and must not start with aws/."
  }
}

variable "cloudwatch_log_groups" {
  description = "Names of the CloudWatch log groups that may be encrypted with the key. A name may end in `*` to admit every group under that prefix. Empty (the default) keeps the default key policy KMS writes: the account's IAM policies alone decide who may use the key."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for name in var.cloudwatch_log_groups : can(regex("^[^*]+\\*?$", name))])
    error_message = "Each log group name must be non-empty and may hold a single * only at its end."
  }
}

variable "tags" {
  description = "Tags added to the key."
  type        = map(string)
  default     = {}
}
