# The client security groups of the data stores. RDS and Amazon MQ admit only these groups (their
# modules take them as allowed_security_groups, Amazon MQ the metrics group as metrics_security_groups),
# and a pod carries one only when a SecurityGroupPolicy in gitops/ gives it (security groups for pods,
# see README.md): the services that own data and their migration Jobs; Prometheus the metrics group. Every other pod, the gateway included, keeps the node's
# security groups and cannot open a connection to either store, whatever its NetworkPolicy says.
#
# They live in the network, not in the data store or cluster modules, so that neither of those
# depends on the other: the stores admit the groups, the cluster's pods wear them.
locals {
  data_clients = {
    postgres = {
      description = "PostgreSQL clients: pods given this group may connect to RDS on 5432"
      ports       = { postgresql = 5432 }
      tier        = "database"
    }
    rabbitmq = {
      description = "RabbitMQ clients: pods given this group may connect to Amazon MQ (AMQPS 5671, management API 443)"
      ports       = { amqps = 5671, management = 443 }
      tier        = "private"
    }
    # Prometheus reads the broker's metrics endpoint, which Amazon MQ serves on the console port.
    rabbitmq-metrics = {
      description = "RabbitMQ metrics readers: pods given this group (Prometheus) may reach Amazon MQ's HTTPS endpoint on 443, not AMQPS"
      ports       = { https = 443 }
      tier        = "private"
    }
  }

  # One egress rule per client group, port and zone: to the subnets the store lives in, nothing else.
  data_client_egress = merge([
    for client, spec in local.data_clients : {
      for pair in setproduct(keys(spec.ports), keys(local.zones)) :
      "${client}-${pair[0]}-${pair[1]}" => {
        client = client
        name   = pair[0]
        port   = spec.ports[pair[0]]
        zone   = pair[1]
        tier   = spec.tier
      }
    }
  ]...)
}

resource "aws_security_group" "data_clients" {
  for_each = local.data_clients

  name        = "${var.name}-${each.key}-clients"
  description = each.value.description
  vpc_id      = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-${each.key}-clients" })
}

resource "aws_vpc_security_group_egress_rule" "data_clients" {
  for_each = local.data_client_egress

  security_group_id = aws_security_group.data_clients[each.value.client].id
  description       = "${each.value.name} to the ${each.value.tier} subnet in ${each.value.zone}"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.tier == "database" ? aws_subnet.database[each.value.zone].cidr_block : aws_subnet.private[each.value.zone].cidr_block

  tags = var.tags
}
