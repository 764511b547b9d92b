import { Fn } from "cdktf";
import { type Construct } from "constructs";
import { type EnvironmentConfig } from "../config/environment";
import { GitopsBootstrapModule } from "../modules/gitops-bootstrap";
import { type KubernetesModule } from "../modules/kubernetes";
import { type NetworkModule } from "../modules/network";
import { type PostgresModule } from "../modules/postgres";
import { type RabbitmqModule } from "../modules/rabbitmq";
import { HelmProvider, KubernetesProvider } from "../providers";
import { ParleyStack } from "./parley-stack";

export interface PlatformDependencies {
  network: NetworkModule;
  cluster: KubernetesModule;
  postgres: PostgresModule;
  rabbitmq: RabbitmqModule;
}

/**
 * Argo CD, the root application, and the hand-over to gitops/: the cluster facts on Argo CD's
 * cluster Secret (with where the RDS master secret and the broker administrator secret are, and the
 * security groups of the pods that own data), the `parley/<environment>/*` secrets External Secrets
 * reads (one login per service and store) and its IRSA role. The Kubernetes and Helm providers read
 * the cluster's address
 * from the cluster stack's state and fetch a token with `aws eks get-token` when they run, so
 * nothing here needs a cluster at synth time and the stack plans as soon as the cluster stack
 * has been applied.
 */
export class PlatformStack extends ParleyStack {
  readonly bootstrap: GitopsBootstrapModule;

  constructor(
    scope: Construct,
    environment: EnvironmentConfig,
    { network, cluster, postgres, rabbitmq }: PlatformDependencies,
  ) {
    super(scope, environment, "platform");

    const connection = {
      host: cluster.clusterEndpoint,
      cluster_ca_certificate: Fn.base64decode(cluster.clusterCertificateAuthorityData),
    };
    const exec = {
      api_version: "client.authentication.k8s.io/v1beta1",
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", cluster.clusterName, "--region", environment.region],
    };
    new KubernetesProvider(this, "kubernetes", { ...connection, exec: [exec] });
    new HelmProvider(this, "helm", { kubernetes: { ...connection, exec } });

    this.bootstrap = new GitopsBootstrapModule(this, "gitops_bootstrap", {
      environment: environment.name,
      cluster_name: cluster.clusterName,
      oidc_provider_arn: cluster.oidcProviderArn,
      oidc_issuer_host: cluster.oidcIssuerHost,
      repository_url: environment.gitops.repositoryUrl,
      target_revision: environment.gitops.targetRevision,
      database: {
        host: postgres.address,
        port: postgres.port,
        name: postgres.databaseName,
        master_secret_arn: postgres.masterUserSecretArn,
        master_secret_kms_key_arn: postgres.kmsKeyArn,
      },
      rabbitmq: {
        endpoint: rabbitmq.amqpEndpoint,
        management_url: rabbitmq.managementUrl,
        admin_secret_arn: rabbitmq.credentialsSecretArn,
        admin_secret_name: rabbitmq.credentialsSecretName,
        admin_secret_kms_key_arn: rabbitmq.credentialsKmsKeyArn,
      },
      security_group_ids: {
        cluster: cluster.clusterSecurityGroupId,
        postgres_clients: network.postgresClientSecurityGroupId,
        rabbitmq_clients: network.rabbitmqClientSecurityGroupId,
        rabbitmq_metrics_clients: network.rabbitmqMetricsClientSecurityGroupId,
      },
      credential_versions: environment.gitops.credentialVersions,
      tags: this.tags,
    });
  }
}
