export type EnvironmentName = "dev" | "staging" | "production";

export interface NodeGroupConfig {
  /** Types that take security groups for pods (trunk network interfaces): no t-family types. */
  instanceTypes: string[];
  capacityType: "ON_DEMAND" | "SPOT";
  minSize: number;
  maxSize: number;
  desiredSize: number;
}

/** Everything that differs between environments; the stacks derive the rest. */
export interface EnvironmentConfig {
  name: EnvironmentName;
  /** The AWS account the environment lives in; the provider refuses to touch any other. */
  accountId: string;
  region: string;
  availabilityZones: [string, string, string];
  /** S3 bucket (versioned, encrypted, created once by hand, see README) that holds the state. */
  stateBucket: string;
  logRetentionDays: number;
  network: {
    cidrBlock: string;
    singleNatGateway: boolean;
  };
  cluster: {
    /** Must be in standard support (support-calendar.ts); raise one minor version at a time. */
    kubernetesVersion: string;
    /** At the end of standard support: STANDARD upgrades, EXTENDED stays and pays extended support. */
    supportType: "STANDARD" | "EXTENDED";
    /** Empty keeps the API endpoint private to the VPC. */
    endpointPublicAccessCidrs: string[];
    /**
     * The cluster's only administrators (EKS access entries), roles of the environment's account; the
     * identity that deploys the platform stack must be one. The creator gets no access of its own.
     */
    adminPrincipalArns: string[];
    deletionProtection: boolean;
    nodeGroups: Record<string, NodeGroupConfig>;
  };
  database: {
    /** PostgreSQL major version; raising it is a major upgrade (README: Upgrading). */
    engineVersion: "16" | "17";
    /** True only while a major upgrade is being applied. */
    allowMajorVersionUpgrade: boolean;
    instanceClass: string;
    allocatedStorageGib: number;
    maxAllocatedStorageGib: number;
    multiAz: boolean;
    deletionProtection: boolean;
    skipFinalSnapshot: boolean;
    backupRetentionDays: number;
  };
  messaging: {
    deploymentMode: "SINGLE_INSTANCE" | "CLUSTER_MULTI_AZ";
    /** 4.2 and later serve the broker's Prometheus metrics, which gitops/ scrapes; they run on mq.m7g only. */
    engineVersion: "4.2" | "4.3";
    hostInstanceType: string;
  };
  gitops: {
    /** The repository Argo CD syncs: its root application follows `gitops/bootstrap/<name>`. */
    repositoryUrl: string;
    targetRevision: string;
    /**
     * Version of each service password, by secret: `<service>/database`, `<service>/database-migrator`
     * or `<service>/rabbitmq` of auth, messaging or notification (unlisted ones are 1). Raise one to
     * rotate that password (terraform/modules/gitops-bootstrap/README.md).
     */
    credentialVersions: Record<string, number>;
  };
}
