import { type Construct } from "constructs";
import { type EnvironmentConfig } from "../config/environment";
import { type NetworkModule } from "../modules/network";
import { PostgresModule } from "../modules/postgres";
import { ParleyStack } from "./parley-stack";

export class DataStack extends ParleyStack {
  readonly postgres: PostgresModule;

  constructor(scope: Construct, environment: EnvironmentConfig, network: NetworkModule) {
    super(scope, environment, "data");
    const { database } = environment;
    this.postgres = new PostgresModule(this, "postgres", {
      identifier: this.resourcePrefix,
      vpc_id: network.vpcId,
      subnet_ids: network.databaseSubnetIds,
      // Only the pods that own data wear this group (a SecurityGroupPolicy in gitops/), not the cluster.
      allowed_security_groups: { clients: network.postgresClientSecurityGroupId },
      engine_version: database.engineVersion,
      allow_major_version_upgrade: database.allowMajorVersionUpgrade,
      instance_class: database.instanceClass,
      allocated_storage_gib: database.allocatedStorageGib,
      max_allocated_storage_gib: database.maxAllocatedStorageGib,
      database_name: "parley",
      multi_az: database.multiAz,
      deletion_protection: database.deletionProtection,
      skip_final_snapshot: database.skipFinalSnapshot,
      backup_retention_days: database.backupRetentionDays,
      log_retention_days: environment.logRetentionDays,
      tags: this.tags,
    });
  }
}
