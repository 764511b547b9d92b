import { blocks, resources, type Block } from "../support/terraform-json";
import { evaluateEach, type ModuleRule } from "./rule";

const worldCidrs = ["0.0.0.0/0", "::/0"];
// Only a public load balancer may be open to everyone, and only for HTTP(S).
const publicLoadBalancerPorts = [80, 443];

interface Ingress {
  address: string;
  cidrs: string[];
  fromPort: number;
  toPort: number;
}

function ingressRules(module: Parameters<ModuleRule["evaluate"]>[0]): Ingress[] {
  const inline = resources(module, "aws_security_group").flatMap(({ address, body }) =>
    blocks(body.ingress).map((rule) => toIngress(address, rule, [rule.cidr_blocks, rule.ipv6_cidr_blocks])),
  );
  const legacy = resources(module, "aws_security_group_rule")
    .filter(({ body }) => body.type === "ingress")
    .map(({ address, body }) => toIngress(address, body, [body.cidr_blocks, body.ipv6_cidr_blocks]));
  const modern = resources(module, "aws_vpc_security_group_ingress_rule").map(({ address, body }) =>
    toIngress(address, body, [body.cidr_ipv4, body.cidr_ipv6]),
  );
  return [...inline, ...legacy, ...modern];
}

function toIngress(address: string, rule: Block["body"], cidrValues: unknown[]): Ingress {
  const cidrs = cidrValues
    .flatMap((value) => (Array.isArray(value) ? value : value === undefined ? [] : [value]))
    .map(String);
  return { address, cidrs, fromPort: Number(rule.from_port ?? -1), toPort: Number(rule.to_port ?? -1) };
}

function references(body: Block["body"], attribute: string, target: string): boolean {
  return String(body[attribute]).includes(`${target}.`);
}

export const networkRules: ModuleRule[] = [
  {
    id: "no-world-ingress",
    title: "No security group admits 0.0.0.0/0 or ::/0, except HTTP(S) to a public load balancer",
    mirrors: ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277", "AVD-AWS-0107"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(ingressRules(module), ({ address, cidrs, fromPort, toPort }) => {
        const open = cidrs.some((cidr) => worldCidrs.includes(cidr));
        const loadBalancerPort = fromPort === toPort && publicLoadBalancerPorts.includes(fromPort);
        return open && !loadBalancerPort
          ? `${address} admits the internet on ports ${fromPort}-${toPort}`
          : undefined;
      }),
    violatingExample: `resource "aws_vpc_security_group_ingress_rule" "postgres" {\n  security_group_id = "sg-123"\n  ip_protocol       = "tcp"\n  from_port         = 5432\n  to_port           = 5432\n  cidr_ipv4         = "0.0.0.0/0"\n}\n`,
  },
  {
    id: "security-groups-described",
    title: "Security groups and their rules say what they are for",
    mirrors: ["CKV_AWS_23", "AVD-AWS-0099", "AVD-AWS-0124"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(
        [
          ...resources(module, "aws_security_group"),
          ...resources(module, "aws_security_group_rule"),
          ...resources(module, "aws_vpc_security_group_ingress_rule"),
          ...resources(module, "aws_vpc_security_group_egress_rule"),
        ],
        ({ address, body }) =>
          typeof body.description === "string" && body.description.length > 0
            ? undefined
            : `${address} needs a description`,
      ),
    violatingExample: `resource "aws_security_group" "this" {\n  name = "undescribed"\n}\n`,
  },
  {
    id: "default-security-group-closed",
    title: "Every VPC's default security group is taken over and left without rules",
    mirrors: ["CKV2_AWS_12"],
    scope: "module",
    evaluate: (module) => {
      const defaults = resources(module, "aws_default_security_group");
      return evaluateEach(resources(module, "aws_vpc"), ({ address }) => {
        const own = defaults.filter(({ body }) => references(body, "vpc_id", address));
        if (own.length === 0) return `${address} needs an aws_default_security_group without rules`;
        return own.some(({ body }) => "ingress" in body || "egress" in body)
          ? `${address} default security group must have no ingress or egress`
          : undefined;
      });
    },
    violatingExample: `resource "aws_vpc" "this" {\n  cidr_block = "10.0.0.0/16"\n}\n\nresource "aws_default_security_group" "this" {\n  vpc_id = aws_vpc.this.id\n\n  ingress {\n    protocol  = -1\n    self      = true\n    from_port = 0\n    to_port   = 0\n  }\n}\n`,
  },
  {
    id: "vpc-flow-logs",
    title: "Every VPC has flow logs",
    mirrors: ["CKV2_AWS_11", "AVD-AWS-0178"],
    scope: "module",
    evaluate: (module) => {
      const flowLogs = resources(module, "aws_flow_log");
      return evaluateEach(resources(module, "aws_vpc"), ({ address }) =>
        flowLogs.some(({ body }) => references(body, "vpc_id", address))
          ? undefined
          : `${address} needs an aws_flow_log`,
      );
    },
    violatingExample: `resource "aws_vpc" "this" {\n  cidr_block = "10.0.0.0/16"\n}\n`,
  },
  {
    id: "subnets-no-public-ip",
    title: "No subnet gives instances public IPs by default",
    mirrors: ["CKV_AWS_130", "AVD-AWS-0164"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_subnet"), ({ address, body }) =>
        body.map_public_ip_on_launch === true || typeof body.map_public_ip_on_launch === "string"
          ? `${address} must not set map_public_ip_on_launch`
          : undefined,
      ),
    violatingExample: `resource "aws_subnet" "public" {\n  map_public_ip_on_launch = true\n}\n`,
  },
];
