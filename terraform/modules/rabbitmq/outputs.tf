output "broker_id" {
  description = "ID of the broker."
  value       = aws_mq_broker.this.id
}

output "broker_arn" {
  description = "ARN of the broker."
  value       = aws_mq_broker.this.arn
}

output "amqp_endpoint" {
  description = "AMQPS endpoint without credentials, `amqps://host:5671`."
  value       = "amqps://${local.amqp_host}:${local.amqps_port}"
}

output "amqp_host" {
  description = "Host name of the broker."
  value       = local.amqp_host
}

output "admin_username" {
  description = "Name of the broker's administrator."
  value       = var.admin_username
  sensitive   = true
}

output "management_url" {
  description = "HTTPS URL of the RabbitMQ management UI and HTTP API (`instances[0].console_url`)."
  value       = local.management_url
}

output "credentials_secret_arn" {
  description = "ARN of the administrator secret: JSON `username`, `password`, `host`, `port` (5671) and `management_url`. Read it directly (the user-provisioning Job), never copy it."
  value       = aws_secretsmanager_secret.credentials.arn
}

output "credentials_secret_name" {
  description = "Name of the administrator secret, `<name>/rabbitmq`."
  value       = aws_secretsmanager_secret.credentials.name
}

output "credentials_kms_key_arn" {
  description = "KMS key of the credentials secret; readers of the secret need kms:Decrypt on it."
  value       = module.credentials_key.arn
}

output "security_group_id" {
  description = "Security group of the broker."
  value       = aws_security_group.this.id
}
