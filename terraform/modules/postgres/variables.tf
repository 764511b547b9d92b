variable "identifier" {
  description = "Name of the DB instance and prefix of its companion resources, e.g. `parley-production`."
  type        = string

  # 49 at most: the monitoring role is named "<identifier>-rds-monitoring", and IAM names stop at 64.
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,48}$", var.identifier))
    error_message = "identifier must be 3-49 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "vpc_id" {
  description = "VPC the database lives in."
  type        = string
}

variable "subnet_ids" {
  description = "Database subnets (no route out of the VPC), at least two zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must hold at least two subnets in different zones."
  }
}

variable "allowed_security_groups" {
  description = "Security groups allowed to connect on the PostgreSQL port, by a name known at plan time (e.g. `{ clients = module.network.postgres_client_security_group_id }`); nothing else can reach it. Give client groups that only the pods needing the database wear, never the cluster's or the nodes' group. The names key the rules, so the IDs may come from another state."
  type        = map(string)

  validation {
    condition     = length(var.allowed_security_groups) > 0
    error_message = "allowed_security_groups must name at least one security group."
  }
}

variable "engine_version" {
  description = "PostgreSQL major version; RDS applies minor versions automatically. Raising it is a major upgrade: set allow_major_version_upgrade too (README: Upgrading PostgreSQL)."
  type        = string
  default     = "17"

  validation {
    condition     = contains(["16", "17"], var.engine_version)
    error_message = "engine_version must be 16 or 17."
  }
}

variable "allow_major_version_upgrade" {
  description = "Lets a change of engine_version upgrade the instance to the new major version (with a short outage, in the next apply). False refuses such a change, so that no major upgrade happens by accident."
  type        = bool
  default     = false
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.medium"

  validation {
    condition     = startswith(var.instance_class, "db.")
    error_message = "instance_class must be an RDS class such as db.t4g.medium."
  }
}

variable "allocated_storage_gib" {
  description = "Initial storage in GiB."
  type        = number
  default     = 20

  validation {
    condition     = var.allocated_storage_gib >= 20
    error_message = "allocated_storage_gib must be at least 20 (the gp3 minimum)."
  }
}

variable "max_allocated_storage_gib" {
  description = "Upper limit for storage autoscaling in GiB."
  type        = number
  default     = 200
}

variable "database_name" {
  description = "Database created with the instance; each service owns a schema inside it."
  type        = string
  default     = "parley"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must be a lowercase PostgreSQL identifier."
  }
}

variable "master_username" {
  description = "Name of the master user. Its password is generated and rotated by RDS in Secrets Manager, never set here."
  type        = string
  default     = "parley_admin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,15}$", var.master_username)) && var.master_username != "admin"
    error_message = "master_username must be a lowercase identifier of at most 16 characters, not a reserved word."
  }
}

variable "multi_az" {
  description = "Keep a synchronous standby in a second zone. Production turns this on."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Refuse to delete the instance. Production turns this on."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Delete without a final snapshot; only for throw-away environments."
  type        = bool
  default     = false
}

variable "backup_retention_days" {
  description = "Days automated backups (point-in-time recovery) are kept."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 1 and 35: backups cannot be turned off."
  }
}

variable "backup_window" {
  description = "Daily UTC window for automated backups, hh24:mi-hh24:mi."
  type        = string
  default     = "02:00-03:00"
}

variable "maintenance_window" {
  description = "Weekly UTC maintenance window, ddd:hh24:mi-ddd:hh24:mi; must not overlap the backup window."
  type        = string
  default     = "sun:03:30-sun:04:30"
}

variable "monitoring_interval_seconds" {
  description = "Enhanced Monitoring granularity in seconds."
  type        = number
  default     = 60

  validation {
    condition     = contains([1, 5, 10, 15, 30, 60], var.monitoring_interval_seconds)
    error_message = "monitoring_interval_seconds must be one of 1, 5, 10, 15, 30, 60."
  }
}

variable "log_retention_days" {
  description = "Days the exported PostgreSQL logs are kept in CloudWatch Logs."
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
