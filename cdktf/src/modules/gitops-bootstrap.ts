import { type Construct } from "constructs";
import { type EnvironmentName } from "../config/environment";
import { LocalModule } from "./local-module";

export interface GitopsBootstrapInputs {
  environment: EnvironmentName;
  cluster_name: string;
  oidc_provider_arn: string;
  oidc_issuer_host: string;
  repository_url: string;
  target_revision?: string;
  gitops_path?: string;
  argocd_namespace?: string;
  argocd_chart_version?: string;
  argocd_apps_chart_version?: string;
  external_secrets_service_account?: { namespace?: string; name?: string };
  database: {
    host: string;
    port: number;
    name: string;
    master_secret_arn: string;
    master_secret_kms_key_arn: string;
  };
  rabbitmq: {
    endpoint: string;
    management_url: string;
    admin_secret_arn: string;
    admin_secret_name: string;
    admin_secret_kms_key_arn: string;
  };
  security_group_ids: {
    cluster: string;
    postgres_clients: string;
    rabbitmq_clients: string;
    rabbitmq_metrics_clients: string;
  };
  /** By secret, `<service>/database`, `<service>/database-migrator` or `<service>/rabbitmq`. */
  credential_versions?: Record<string, number>;
  signing_key_id?: string;
  extra_cluster_annotations?: Record<string, string>;
  tags?: Record<string, string>;
}

export class GitopsBootstrapModule extends LocalModule<GitopsBootstrapInputs> {
  constructor(scope: Construct, id: string, inputs: GitopsBootstrapInputs) {
    super(scope, id, "gitops-bootstrap", inputs);
  }

  get externalSecretsRoleArn(): string {
    return this.getString("external_secrets_role_arn");
  }

  get secretsKmsKeyArn(): string {
    return this.getString("secrets_kms_key_arn");
  }
}
