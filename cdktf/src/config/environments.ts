import { type EnvironmentConfig, type EnvironmentName } from "./environment";

// Account ids, the administrators' roles, the state bucket names and the repository URL are the
// values to change when deploying Parley into your own accounts (see README "Deploying an
// environment from scratch").

type Section = "network" | "cluster" | "database" | "messaging";

/**
 * What every environment starts from: one region, the same Kubernetes version and GitOps source,
 * and production's protections and availability, so that an environment which gives one up for
 * cost says so below, and a new environment is protected unless it says otherwise.
 */
const base = {
  region: "eu-west-1",
  availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  network: { singleNatGateway: false },
  cluster: {
    kubernetesVersion: "1.35",
    supportType: "STANDARD",
    endpointPublicAccessCidrs: [],
    deletionProtection: true,
  },
  database: {
    engineVersion: "17",
    allowMajorVersionUpgrade: false,
    multiAz: true,
    deletionProtection: true,
    skipFinalSnapshot: false,
  },
  messaging: { deploymentMode: "CLUSTER_MULTI_AZ", engineVersion: "4.2" },
  gitops: {
    repositoryUrl: "https://github.com/parley-messaging/parley.git",
    targetRevision: "main",
    credentialVersions: {},
  },
} satisfies Pick<EnvironmentConfig, "region" | "availabilityZones" | "gitops"> & {
  [S in Section]: Partial<EnvironmentConfig[S]>;
};

/** One section of an environment: what the base lacks must be given, what it has may be changed. */
type SectionDifferences<S extends Section> = Omit<EnvironmentConfig[S], keyof (typeof base)[S]> &
  Partial<EnvironmentConfig[S]>;

/** What an environment states itself: its account and state bucket, its sizes, its departures from the base. */
type EnvironmentDifferences = Pick<EnvironmentConfig, "accountId" | "stateBucket" | "logRetentionDays"> & {
  [S in Section]: SectionDifferences<S>;
};

function environment(name: EnvironmentName, differences: EnvironmentDifferences): EnvironmentConfig {
  const { accountId, stateBucket, logRetentionDays, network, cluster, database, messaging } = differences;
  return {
    name,
    accountId,
    region: base.region,
    availabilityZones: base.availabilityZones,
    stateBucket,
    logRetentionDays,
    network: { ...base.network, ...network },
    cluster: { ...base.cluster, ...cluster },
    database: { ...base.database, ...database },
    messaging: { ...base.messaging, ...messaging },
    gitops: { ...base.gitops },
  };
}

/**
 * Dev's way in to the private API endpoint for the platform stack and kubectl, without a bastion:
 * the CIDRs in PARLEY_DEV_API_ACCESS_CIDRS (comma-separated, e.g. your egress address as a /32),
 * set before deploying the cluster stack. Unset, the endpoint stays private.
 */
export function devApiAccessCidrs(value = process.env.PARLEY_DEV_API_ACCESS_CIDRS ?? ""): string[] {
  const cidrs = value
    .split(",")
    .map((cidr) => cidr.trim())
    .filter(Boolean);
  for (const cidr of cidrs) {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    const octets = match?.slice(1, 5).map(Number) ?? [];
    const prefix = Number(match?.[5]);
    if (!match || octets.some((octet) => octet > 255) || prefix < 8 || prefix > 32)
      throw new Error(`PARLEY_DEV_API_ACCESS_CIDRS: ${cidr} is not an IPv4 CIDR from /8 to /32`);
  }
  return cidrs;
}

export const dev = environment("dev", {
  accountId: "111111111111",
  stateBucket: "parley-dev-terraform-state",
  logRetentionDays: 30,
  network: { cidrBlock: "10.10.0.0/16", singleNatGateway: true },
  cluster: {
    adminPrincipalArns: ["arn:aws:iam::111111111111:role/parley-platform-admin"],
    deletionProtection: false,
    endpointPublicAccessCidrs: devApiAccessCidrs(),
    nodeGroups: {
      // Spot, in two families for capacity; not t3, which takes no security groups for pods.
      general: {
        instanceTypes: ["m6i.large", "m5.large"],
        capacityType: "SPOT",
        minSize: 1,
        maxSize: 3,
        desiredSize: 2,
      },
    },
  },
  database: {
    instanceClass: "db.t4g.micro",
    allocatedStorageGib: 20,
    maxAllocatedStorageGib: 50,
    backupRetentionDays: 7,
    multiAz: false,
    deletionProtection: false,
    skipFinalSnapshot: true,
  },
  messaging: { hostInstanceType: "mq.m7g.medium", deploymentMode: "SINGLE_INSTANCE" },
});

export const staging = environment("staging", {
  accountId: "222222222222",
  stateBucket: "parley-staging-terraform-state",
  logRetentionDays: 90,
  network: { cidrBlock: "10.20.0.0/16", singleNatGateway: true },
  cluster: {
    adminPrincipalArns: ["arn:aws:iam::222222222222:role/parley-platform-admin"],
    deletionProtection: false,
    nodeGroups: {
      general: {
        instanceTypes: ["m6i.large"],
        capacityType: "ON_DEMAND",
        minSize: 2,
        maxSize: 4,
        desiredSize: 2,
      },
    },
  },
  database: {
    instanceClass: "db.t4g.medium",
    allocatedStorageGib: 20,
    maxAllocatedStorageGib: 100,
    backupRetentionDays: 7,
    multiAz: false,
  },
  messaging: { hostInstanceType: "mq.m7g.large", deploymentMode: "SINGLE_INSTANCE" },
});

export const production = environment("production", {
  accountId: "333333333333",
  stateBucket: "parley-production-terraform-state",
  logRetentionDays: 365,
  network: { cidrBlock: "10.30.0.0/16" },
  cluster: {
    adminPrincipalArns: ["arn:aws:iam::333333333333:role/parley-platform-admin"],
    nodeGroups: {
      general: {
        instanceTypes: ["m6i.xlarge"],
        capacityType: "ON_DEMAND",
        minSize: 3,
        maxSize: 9,
        desiredSize: 3,
      },
    },
  },
  database: {
    instanceClass: "db.m7g.large",
    allocatedStorageGib: 100,
    maxAllocatedStorageGib: 1000,
    backupRetentionDays: 30,
  },
  messaging: { hostInstanceType: "mq.m7g.large" },
});

export const environments: EnvironmentConfig[] = [dev, staging, production];
