variable "name" {
  description = "Name of the EKS cluster and prefix of its companion resources, e.g. `parley-production`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,37}$", var.name))
    error_message = "name must be 3-38 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane; the node groups and add-ons follow it. Raise it one minor version at a time (README: Upgrading Kubernetes)."
  type        = string
  default     = "1.35"

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must look like 1.35."
  }
}

variable "support_type" {
  description = "What EKS does when the version leaves standard support: STANDARD upgrades the control plane to the next version (no extended-support charge, about 6 times the control-plane price), EXTENDED keeps it and pays."
  type        = string
  default     = "STANDARD"

  validation {
    condition     = contains(["STANDARD", "EXTENDED"], var.support_type)
    error_message = "support_type must be STANDARD or EXTENDED."
  }
}

variable "vpc_id" {
  description = "VPC of the cluster."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the control plane network interfaces and the nodes, in at least two zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must hold at least two private subnets."
  }
}

variable "endpoint_public_access_cidrs" {
  description = "CIDRs allowed to reach the Kubernetes API from the internet. Empty (the default) keeps the endpoint private, reachable only from inside the VPC."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for cidr in var.endpoint_public_access_cidrs : can(cidrhost(cidr, 0)) && !contains(["0.0.0.0/0", "::/0"], cidr)])
    error_message = "endpoint_public_access_cidrs must be valid CIDRs and must not open the API to the whole internet."
  }
}

variable "admin_principal_arns" {
  description = "IAM roles or users given cluster-admin through EKS access entries: the only administrators of the cluster. The identity that creates the cluster gets no access of its own, so the one that deploys the gitops-bootstrap module (Helm, Kubernetes) must be listed."
  type        = list(string)

  validation {
    condition     = length(var.admin_principal_arns) > 0
    error_message = "admin_principal_arns must name at least one administrator: without one, nobody can reach the cluster API."
  }

  validation {
    condition     = alltrue([for arn in var.admin_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/", arn))])
    error_message = "admin_principal_arns must be IAM role or user ARNs."
  }
}

variable "node_groups" {
  description = "Managed node groups by name. Nodes run in the private subnets from a launch template that requires IMDSv2 and encrypts the root volume; their instance types must support security groups for pods (not the t family)."
  type = map(object({
    instance_types = list(string)
    capacity_type  = optional(string, "ON_DEMAND")
    min_size       = number
    max_size       = number
    desired_size   = number
    disk_size_gib  = optional(number, 50)
    labels         = optional(map(string), {})
  }))

  validation {
    condition     = length(var.node_groups) > 0
    error_message = "node_groups must define at least one node group."
  }

  validation {
    condition     = alltrue([for group in values(var.node_groups) : contains(["ON_DEMAND", "SPOT"], group.capacity_type)])
    error_message = "capacity_type must be ON_DEMAND or SPOT."
  }

  validation {
    condition     = alltrue([for group in values(var.node_groups) : group.min_size <= group.desired_size && group.desired_size <= group.max_size])
    error_message = "Each node group needs min_size <= desired_size <= max_size."
  }

  # Security groups for pods need instance types that take a trunk network interface; no type of
  # the burstable t family does.
  validation {
    condition     = alltrue([for group in values(var.node_groups) : alltrue([for type in group.instance_types : !can(regex("^t[0-9]", type))])])
    error_message = "Node instance types must support security groups for pods (trunk network interfaces): no t-family types such as t3.large."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the cluster. Production turns this on."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Days the control-plane logs are kept in CloudWatch Logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
