import { type Construct } from "constructs";
import { LocalModule } from "./local-module";

export interface PostgresInputs {
  identifier: string;
  vpc_id: string;
  subnet_ids: string[];
  allowed_security_groups: Record<string, string>;
  engine_version?: "16" | "17";
  allow_major_version_upgrade?: boolean;
  instance_class?: string;
  allocated_storage_gib?: number;
  max_allocated_storage_gib?: number;
  database_name?: string;
  master_username?: string;
  multi_az?: boolean;
  deletion_protection?: boolean;
  skip_final_snapshot?: boolean;
  backup_retention_days?: number;
  backup_window?: string;
  maintenance_window?: string;
  monitoring_interval_seconds?: number;
  log_retention_days?: number;
  tags?: Record<string, string>;
}

export class PostgresModule extends LocalModule<PostgresInputs> {
  constructor(scope: Construct, id: string, inputs: PostgresInputs) {
    super(scope, id, "postgres", inputs);
  }

  get address(): string {
    return this.getString("address");
  }

  get port(): number {
    return this.getNumber("port");
  }

  get databaseName(): string {
    return this.getString("database_name");
  }

  get masterUserSecretArn(): string {
    return this.getString("master_user_secret_arn");
  }

  get kmsKeyArn(): string {
    return this.getString("kms_key_arn");
  }
}
