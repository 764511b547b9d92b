import { type EnvironmentConfig } from "./environment";

// Account ids, the state bucket names and the repository URL are the values to change when
// deploying Parley into your own accounts (see README "Deploying an environment from scratch").
const repositoryUrl = "https://github.com/parley-messaging/parley.git";

export const dev: EnvironmentConfig = {
  name: "dev",
  accountId: "111111111111",
  region: "eu-west-1",
  availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  stateBucket: "parley-dev-terraform-state",
  logRetentionDays: 30,
  network: { cidrBlock: "10.10.0.0/16", singleNatGateway: true },
  cluster: {
    kubernetesVersion: "1.33",
    endpointPublicAccessCidrs: [],
    adminPrincipalArns: [],
    deletionProtection: false,
    nodeGroups: {
      general: { instanceTypes: ["t3.large"], capacityType: "SPOT", minSize: 1, maxSize: 3, desiredSize: 2 },
    },
  },
  database: {
    instanceClass: "db.t4g.micro",
    allocatedStorageGib: 20,
    maxAllocatedStorageGib: 50,
    multiAz: false,
    deletionProtection: false,
    skipFinalSnapshot: true,
    backupRetentionDays: 1,
  },
  messaging: { deploymentMode: "SINGLE_INSTANCE", hostInstanceType: "mq.t3.micro" },
  gitops: { repositoryUrl, targetRevision: "main", credentialsVersion: 1 },
};

export const staging: EnvironmentConfig = {
  name: "staging",
  accountId: "222222222222",
  region: "eu-west-1",
  availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  stateBucket: "parley-staging-terraform-state",
  logRetentionDays: 90,
  network: { cidrBlock: "10.20.0.0/16", singleNatGateway: true },
  cluster: {
    kubernetesVersion: "1.33",
    endpointPublicAccessCidrs: [],
    adminPrincipalArns: [],
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
    multiAz: false,
    deletionProtection: true,
    skipFinalSnapshot: false,
    backupRetentionDays: 7,
  },
  messaging: { deploymentMode: "SINGLE_INSTANCE", hostInstanceType: "mq.m5.large" },
  gitops: { repositoryUrl, targetRevision: "main", credentialsVersion: 1 },
};

export const production: EnvironmentConfig = {
  name: "production",
  accountId: "333333333333",
  region: "eu-west-1",
  availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  stateBucket: "parley-production-terraform-state",
  logRetentionDays: 365,
  network: { cidrBlock: "10.30.0.0/16", singleNatGateway: false },
  cluster: {
    kubernetesVersion: "1.33",
    endpointPublicAccessCidrs: [],
    adminPrincipalArns: [],
    deletionProtection: true,
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
    multiAz: true,
    deletionProtection: true,
    skipFinalSnapshot: false,
    backupRetentionDays: 30,
  },
  messaging: { deploymentMode: "CLUSTER_MULTI_AZ", hostInstanceType: "mq.m5.large" },
  gitops: { repositoryUrl, targetRevision: "main", credentialsVersion: 1 },
};

export const environments: EnvironmentConfig[] = [dev, staging, production];
