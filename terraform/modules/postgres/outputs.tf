output "address" {
  description = "Host name of the database endpoint."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "Port of the database endpoint."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "Name of the database the services share (one schema each)."
  value       = aws_db_instance.this.db_name
}

output "master_username" {
  description = "Name of the master user."
  value       = aws_db_instance.this.username
  sensitive   = true
}

output "master_user_secret_arn" {
  description = "ARN of the Secrets Manager secret RDS keeps and rotates the master credentials in (JSON with `username` and `password` only; its name starts with `rds!db-`). Read it directly, never copy it: a copy goes stale at the next rotation."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "kms_key_arn" {
  description = "KMS key that encrypts the storage, the master secret, Performance Insights and the logs; readers of the secret need kms:Decrypt on it."
  value       = module.key.arn
}

output "resource_id" {
  description = "DbiResourceId of the instance (Performance Insights, CloudWatch metrics). IAM database authentication is off, so no rds-db:connect policy uses it."
  value       = aws_db_instance.this.resource_id
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.this.id
}
