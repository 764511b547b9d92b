output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "IDs of the public subnets (internet-facing load balancers and NAT gateways only), in zone order."
  value       = [for zone in var.availability_zones : aws_subnet.public[zone].id]
}

output "private_subnet_ids" {
  description = "IDs of the private subnets (Kubernetes nodes, the broker), in zone order."
  value       = [for zone in var.availability_zones : aws_subnet.private[zone].id]
}

output "database_subnet_ids" {
  description = "IDs of the database subnets, which have no route out of the VPC, in zone order."
  value       = [for zone in var.availability_zones : aws_subnet.database[zone].id]
}

output "nat_public_ips" {
  description = "Public IPs of the NAT gateways, for allow lists of services the platform calls."
  value       = [for eip in aws_eip.nat : eip.public_ip]
}

output "flow_log_group_name" {
  description = "CloudWatch Logs group that receives the VPC flow logs."
  value       = aws_cloudwatch_log_group.flow_logs.name
}

output "postgres_client_security_group_id" {
  description = "Client security group of PostgreSQL: the only group the postgres module should admit (`allowed_security_groups`), given to the pods that own data by a SecurityGroupPolicy."
  value       = aws_security_group.data_clients["postgres"].id
}

output "rabbitmq_client_security_group_id" {
  description = "Client security group of RabbitMQ: the only group the rabbitmq module should admit (`allowed_security_groups`), given to the pods that own data by a SecurityGroupPolicy."
  value       = aws_security_group.data_clients["rabbitmq"].id
}

output "rabbitmq_metrics_client_security_group_id" {
  description = "Metrics reader group of RabbitMQ: the rabbitmq module admits it on 443 only (`metrics_security_groups`), given to the Prometheus pods by a SecurityGroupPolicy so they can scrape Amazon MQ's Prometheus endpoint."
  value       = aws_security_group.data_clients["rabbitmq-metrics"].id
}
