output "cluster_name" {
  description = "Name of the EKS cluster, for `aws eks update-kubeconfig`."
  value       = module.kubernetes.cluster_name
}

output "database_address" {
  description = "Host name of PostgreSQL."
  value       = module.postgres.address
}

output "amqp_endpoint" {
  description = "AMQPS endpoint of RabbitMQ, without credentials."
  value       = module.rabbitmq.amqp_endpoint
}

output "cluster_facts" {
  description = "Facts handed to Argo CD as cluster-secret annotations."
  value       = module.gitops_bootstrap.cluster_facts
}
