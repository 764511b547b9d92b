# A whole Parley environment in plain Terraform, for teams that do not use CDKTF. The CDKTF app in
# cdktf/ builds the same thing as five separately deployed stacks.

locals {
  name       = "parley-${var.environment}"
  production = var.environment == "production"

  # The same VPCs as cdktf/src/config/environments.ts: gitops/overlays/<environment> allows the
  # services to reach PostgreSQL and RabbitMQ in exactly this CIDR (a test compares them).
  vpc_cidrs = {
    dev        = "10.10.0.0/16"
    staging    = "10.20.0.0/16"
    production = "10.30.0.0/16"
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = "parley"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

module "network" {
  source = "../../modules/network"

  name               = local.name
  cidr_block         = coalesce(var.cidr_block, local.vpc_cidrs[var.environment])
  availability_zones = slice(data.aws_availability_zones.available.names, 0, 3)
  single_nat_gateway = !local.production
  cluster_name       = local.name
}

module "kubernetes" {
  source = "../../modules/kubernetes"

  name                 = local.name
  vpc_id               = module.network.vpc_id
  subnet_ids           = module.network.private_subnet_ids
  admin_principal_arns = var.admin_principal_arns
  deletion_protection  = local.production

  node_groups = {
    general = {
      instance_types = ["m6i.large"]
      min_size       = local.production ? 3 : 1
      max_size       = local.production ? 9 : 3
      desired_size   = local.production ? 3 : 2
    }
  }
}

module "postgres" {
  source = "../../modules/postgres"

  identifier              = local.name
  vpc_id                  = module.network.vpc_id
  subnet_ids              = module.network.database_subnet_ids
  allowed_security_groups = { clients = module.network.postgres_client_security_group_id }
  multi_az                = local.production
  deletion_protection     = local.production
  skip_final_snapshot     = !local.production
  backup_retention_days   = local.production ? 30 : 7
}

module "rabbitmq" {
  source = "../../modules/rabbitmq"

  name                    = local.name
  vpc_id                  = module.network.vpc_id
  subnet_ids              = module.network.private_subnet_ids
  allowed_security_groups = { clients = module.network.rabbitmq_client_security_group_id }
  deployment_mode         = local.production ? "CLUSTER_MULTI_AZ" : "SINGLE_INSTANCE"
  host_instance_type      = local.production ? "mq.m5.large" : "mq.t3.micro"
}

# Both providers authenticate with a fresh token from the AWS CLI each run. In this single root
# module the cluster is created in the same apply, so the first apply targets the AWS modules
# (see README.md) before these providers are used.
provider "kubernetes" {
  host                   = module.kubernetes.cluster_endpoint
  cluster_ca_certificate = base64decode(module.kubernetes.cluster_certificate_authority_data)

  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", module.kubernetes.cluster_name, "--region", var.region]
  }
}

provider "helm" {
  kubernetes = {
    host                   = module.kubernetes.cluster_endpoint
    cluster_ca_certificate = base64decode(module.kubernetes.cluster_certificate_authority_data)

    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", module.kubernetes.cluster_name, "--region", var.region]
    }
  }
}

module "gitops_bootstrap" {
  source = "../../modules/gitops-bootstrap"

  environment       = var.environment
  cluster_name      = module.kubernetes.cluster_name
  oidc_provider_arn = module.kubernetes.oidc_provider_arn
  oidc_issuer_host  = module.kubernetes.oidc_issuer_host
  repository_url    = var.repository_url

  database = {
    host                      = module.postgres.address
    port                      = module.postgres.port
    name                      = module.postgres.database_name
    master_secret_arn         = module.postgres.master_user_secret_arn
    master_secret_kms_key_arn = module.postgres.kms_key_arn
  }

  rabbitmq = {
    endpoint                 = module.rabbitmq.amqp_endpoint
    management_url           = module.rabbitmq.management_url
    admin_secret_arn         = module.rabbitmq.credentials_secret_arn
    admin_secret_name        = module.rabbitmq.credentials_secret_name
    admin_secret_kms_key_arn = module.rabbitmq.credentials_kms_key_arn
  }

  security_group_ids = {
    cluster          = module.kubernetes.cluster_security_group_id
    postgres_clients = module.network.postgres_client_security_group_id
    rabbitmq_clients = module.network.rabbitmq_client_security_group_id
  }
}
