variable "name" {
  description = "Broker name and prefix of its companion resources, e.g. `parley-production`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name))
    error_message = "name must be 3-41 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "vpc_id" {
  description = "VPC the broker lives in."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets. A single-instance broker uses the first; a cluster spreads over all (at least two zones)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must hold at least two private subnets."
  }
}

variable "allowed_security_groups" {
  description = "Security groups allowed to connect over AMQPS (5671) and to the management API (443), by a name known at plan time (e.g. `{ clients = module.network.rabbitmq_client_security_group_id }`); nothing else can reach the broker. Give client groups that only the pods needing the broker wear, never the cluster's or the nodes' group. The names key the rules, so the IDs may come from another state."
  type        = map(string)

  validation {
    condition     = length(var.allowed_security_groups) > 0
    error_message = "allowed_security_groups must name at least one security group."
  }
}

variable "metrics_security_groups" {
  description = "Security groups allowed to read the broker's Prometheus metrics, by a name known at plan time (e.g. `{ prometheus = module.network.rabbitmq_metrics_client_security_group_id }`): admitted on the console port (443) only, never on AMQPS. Amazon MQ serves /metrics on the same port as the management API, so the monitoring login's credentials, not the network, keep such a pod out of the API's write operations."
  type        = map(string)
  default     = {}
}

variable "deployment_mode" {
  description = "SINGLE_INSTANCE for dev, CLUSTER_MULTI_AZ (three nodes over three zones, quorum queues survive a node) for production."
  type        = string
  default     = "CLUSTER_MULTI_AZ"

  validation {
    condition     = contains(["SINGLE_INSTANCE", "CLUSTER_MULTI_AZ"], var.deployment_mode)
    error_message = "deployment_mode must be SINGLE_INSTANCE or CLUSTER_MULTI_AZ."
  }
}

variable "engine_version" {
  description = "RabbitMQ version (major.minor); Amazon MQ applies patch releases automatically. 4.2 and later serve the broker's Prometheus metrics (/metrics, /metrics/detailed), which gitops/ scrapes."
  type        = string
  default     = "4.2"

  # The versions Amazon MQ supports (its version support calendar); upgrades go 3.13 -> 4.2 -> 4.3.
  validation {
    condition     = contains(["3.13", "4.2", "4.3"], var.engine_version)
    error_message = "engine_version must be one Amazon MQ supports: 3.13, 4.2 or 4.3."
  }
}

variable "host_instance_type" {
  description = "Broker instance type; clusters need mq.m5.large or larger, RabbitMQ 4 the mq.m7g family (mq.m7g.medium for a single instance, mq.m7g.large or larger for a cluster)."
  type        = string
  default     = "mq.m7g.large"

  validation {
    condition     = startswith(var.host_instance_type, "mq.")
    error_message = "host_instance_type must be an Amazon MQ type such as mq.m5.large."
  }

  validation {
    condition     = !(var.deployment_mode == "CLUSTER_MULTI_AZ" && var.host_instance_type == "mq.t3.micro")
    error_message = "A CLUSTER_MULTI_AZ broker cannot run on mq.t3.micro."
  }

  # Amazon MQ runs RabbitMQ 4 on the mq.m7g family only (3.13 also on mq.t3 and mq.m5).
  validation {
    condition     = startswith(var.engine_version, "3.") || startswith(var.host_instance_type, "mq.m7g.")
    error_message = "RabbitMQ 4 runs only on mq.m7g instance types on Amazon MQ; choose one, or engine_version 3.13."
  }
}

variable "admin_username" {
  description = "Name of the broker's administrator, the one user Amazon MQ creates. Its password is generated and kept in Secrets Manager; the services connect as users of their own, which the administrator creates through the management API."
  type        = string
  default     = "parley"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.~-]{2,100}$", var.admin_username)) && var.admin_username != "guest"
    error_message = "admin_username must be 2-100 letters, digits or _.~- and not guest."
  }
}

variable "admin_secret_version" {
  description = "Version of the administrator secret's value, written through a write-only argument: raise it to write the generated password and the current endpoints again (e.g. to undo a manual change). A rotated password is written with put-secret-value instead (README.md)."
  type        = number
  default     = 1

  validation {
    condition     = var.admin_secret_version >= 1 && floor(var.admin_secret_version) == var.admin_secret_version
    error_message = "admin_secret_version must be a whole number of at least 1."
  }
}

variable "maintenance_window" {
  description = "Weekly maintenance window in UTC, in which minor upgrades are applied."
  type = object({
    day_of_week = string
    time_of_day = string
  })
  default = {
    day_of_week = "SUNDAY"
    time_of_day = "04:00"
  }

  validation {
    condition     = contains(["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"], var.maintenance_window.day_of_week)
    error_message = "maintenance_window.day_of_week must be an upper-case English day name."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
