import { blocks, resources } from "../support/terraform-json";
import { firstBlock, isSet, referencedVariable, resolveLocal, validationConditions } from "./hcl-values";
import { evaluateEach, type ModuleRule } from "./rule";

const controlPlaneLogTypes = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const worldCidrs = ["0.0.0.0/0", "::/0"];

export const kubernetesRules: ModuleRule[] = [
  {
    id: "eks-secrets-encrypted",
    title: "EKS encrypts Kubernetes secrets with a KMS key",
    mirrors: ["CKV_AWS_58", "AVD-AWS-0039"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_eks_cluster"), ({ address, body }) => {
        const encryption = blocks(body.encryption_config);
        const encrypted = encryption.some(
          (config) =>
            Array.isArray(config.resources) &&
            config.resources.includes("secrets") &&
            blocks(config.provider).some((provider) => isSet(provider.key_arn)),
        );
        return encrypted ? undefined : `${address} must encrypt "secrets" with a KMS key_arn`;
      }),
    violatingExample: `resource "aws_eks_cluster" "this" {\n  name = "no-encryption"\n}\n`,
  },
  {
    id: "eks-control-plane-logs",
    title: "EKS sends all control-plane log types to CloudWatch",
    mirrors: ["CKV_AWS_37", "AVD-AWS-0038"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_eks_cluster"), ({ address, body }) => {
        const enabled = resolveLocal(module, body.enabled_cluster_log_types);
        const missing = controlPlaneLogTypes.filter(
          (type) => !(Array.isArray(enabled) && enabled.includes(type)),
        );
        return missing.length === 0
          ? undefined
          : `${address} must enable control-plane logs: ${missing.join(", ")}`;
      }),
    violatingExample: `resource "aws_eks_cluster" "this" {\n  enabled_cluster_log_types = ["api", "audit"]\n}\n`,
  },
  {
    id: "eks-endpoint-private",
    title:
      "The EKS API is reachable privately, and publicly only from a validated allow list that cannot be the internet",
    mirrors: ["CKV_AWS_38", "CKV_AWS_39", "AVD-AWS-0040", "AVD-AWS-0041"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_eks_cluster"), ({ address, body }) => {
        const vpc = firstBlock(body, "vpc_config") ?? {};
        if (vpc.endpoint_private_access !== true) return `${address} must set endpoint_private_access = true`;
        if (vpc.endpoint_public_access === false) return undefined;
        const cidrs = vpc.public_access_cidrs;
        if (Array.isArray(cidrs)) {
          return cidrs.some((cidr) => worldCidrs.includes(String(cidr)))
            ? `${address} opens the API to the internet`
            : undefined;
        }
        const allowList = String(cidrs).match(/var\.([A-Za-z0-9_]+)/)?.[0];
        const variable = allowList ? referencedVariable(module, `\${${allowList}}`) : undefined;
        const guarded =
          variable && validationConditions(variable).some((condition) => condition.includes("0.0.0.0/0"));
        return guarded
          ? undefined
          : `${address} public_access_cidrs must be a variable whose validation rejects 0.0.0.0/0`;
      }),
    violatingExample: `resource "aws_eks_cluster" "this" {\n  vpc_config {\n    endpoint_private_access = true\n    endpoint_public_access  = true\n    public_access_cidrs     = ["0.0.0.0/0"]\n  }\n}\n`,
  },
  {
    id: "imdsv2-required",
    title: "Nodes start from launch templates that require IMDSv2 tokens with a hop limit of 1",
    mirrors: ["CKV_AWS_79", "CKV_AWS_341", "AVD-AWS-0028", "AVD-AWS-0130"],
    scope: "module",
    evaluate: (module) => {
      const templates = evaluateEach(resources(module, "aws_launch_template"), ({ address, body }) => {
        const metadata = firstBlock(body, "metadata_options") ?? {};
        const hopLimit = Number(metadata.http_put_response_hop_limit ?? 1);
        return metadata.http_tokens === "required" && hopLimit <= 1
          ? undefined
          : `${address} must set metadata_options { http_tokens = "required", http_put_response_hop_limit = 1 }`;
      });
      const nodeGroups = evaluateEach(resources(module, "aws_eks_node_group"), ({ address, body }) =>
        firstBlock(body, "launch_template")
          ? undefined
          : `${address} must use a launch template (the default allows IMDSv1)`,
      );
      return {
        checked: templates.checked + nodeGroups.checked,
        violations: [...templates.violations, ...nodeGroups.violations],
      };
    },
    violatingExample: `resource "aws_launch_template" "this" {\n  metadata_options {\n    http_tokens = "optional"\n  }\n}\n`,
  },
  {
    id: "node-volumes-encrypted",
    title: "Node launch templates encrypt their EBS volumes",
    mirrors: ["CKV_AWS_8", "AVD-AWS-0008"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_launch_template"), ({ address, body }) => {
        const volumes = blocks(body.block_device_mappings).flatMap((mapping) => blocks(mapping.ebs));
        return volumes.length > 0 && volumes.every((ebs) => ebs.encrypted === true)
          ? undefined
          : `${address} must declare its EBS volumes with encrypted = true`;
      }),
    violatingExample: `resource "aws_launch_template" "this" {\n  block_device_mappings {\n    device_name = "/dev/xvda"\n    ebs {\n      encrypted = false\n    }\n  }\n}\n`,
  },
];
