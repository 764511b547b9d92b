// Evaluates NetworkPolicies the way the cluster does, to list which connections they allow between
// the rendered pods and the peers outside them (ingress controller, Prometheus, DNS, the collector,
// managed databases). A connection is allowed when the source's egress and the destination's ingress
// both allow it; a pod that no policy of a direction selects is open in that direction.
import { type Workload, selects, workloads } from "./policy";
import { type K8sObject } from "./render";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface Peer {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  /** For peers outside the cluster. */
  ip?: string;
  ports: { port: number; name?: string; protocol: string }[];
  /** Peers modelled from outside the render: their own policies are not ours to check. */
  external: boolean;
}

/** The rendered workloads as peers, named after the app (and `-migrate` for migration Jobs). */
export function podPeers(objects: K8sObject[]): Peer[] {
  return workloads(objects).map((w: Workload) => {
    const name = w.podLabels["app.kubernetes.io/name"] ?? w.object.metadata.name;
    return {
      name: w.podLabels["app.kubernetes.io/component"] === "migration" ? `${name}-migrate` : name,
      namespace: w.namespace,
      labels: w.podLabels,
      ports: w.containers.flatMap((c: Json) =>
        (c.ports ?? []).map((p: Json) => ({
          port: p.containerPort,
          name: p.name,
          protocol: p.protocol ?? "TCP",
        })),
      ),
      external: false,
    };
  });
}

function ipInCidr(ip: string, cidr: string): boolean {
  const toNumber = (address: string) => address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toNumber(ip) / size) === Math.floor(toNumber(base!) / size);
}

function peerMatches(rulePeer: Json, policyNamespace: string | undefined, peer: Peer): boolean {
  if (rulePeer.ipBlock) {
    return (
      peer.ip !== undefined &&
      ipInCidr(peer.ip, rulePeer.ipBlock.cidr) &&
      !(rulePeer.ipBlock.except ?? []).some((c: string) => ipInCidr(peer.ip!, c))
    );
  }
  if (peer.ip !== undefined) return false;
  const namespaceOk = rulePeer.namespaceSelector
    ? selects(rulePeer.namespaceSelector, { "kubernetes.io/metadata.name": peer.namespace ?? "" })
    : peer.namespace === policyNamespace;
  const podOk = rulePeer.podSelector ? selects(rulePeer.podSelector, peer.labels ?? {}) : true;
  return namespaceOk && podOk;
}

function portMatches(rulePorts: Json[] | undefined, port: Peer["ports"][number]): boolean {
  if (rulePorts === undefined || rulePorts.length === 0) return true;
  return rulePorts.some(
    (p) =>
      (p.protocol ?? "TCP") === port.protocol &&
      (p.port === undefined || p.port === port.port || (typeof p.port === "string" && p.port === port.name)),
  );
}

function allows(
  policies: K8sObject[],
  direction: "Ingress" | "Egress",
  subject: Peer,
  other: Peer,
  port: Peer["ports"][number],
): boolean {
  const selecting = policies.filter(
    (p) =>
      p.metadata.namespace === subject.namespace &&
      (p.spec.policyTypes ?? ["Ingress"]).includes(direction) &&
      (Object.keys(p.spec.podSelector ?? {}).length === 0 ||
        selects(p.spec.podSelector, subject.labels ?? {})),
  );
  if (selecting.length === 0) return true;
  const rulesKey = direction === "Ingress" ? "ingress" : "egress";
  const peersKey = direction === "Ingress" ? "from" : "to";
  return selecting.some((p) =>
    (p.spec[rulesKey] ?? []).some(
      (rule: Json) =>
        portMatches(rule.ports, port) &&
        (rule[peersKey] === undefined ||
          rule[peersKey].length === 0 ||
          rule[peersKey].some((rp: Json) => peerMatches(rp, p.metadata.namespace, other))),
    ),
  );
}

/** Every allowed connection as "source -> destination:port/protocol", sorted. */
export function allowedFlows(objects: K8sObject[], outside: Peer[]): string[] {
  const policies = objects.filter((o) => o.kind === "NetworkPolicy");
  const peers = [...podPeers(objects), ...outside];
  const flows = new Set<string>();
  for (const source of peers) {
    for (const destination of peers) {
      if (source === destination || (source.external && destination.external)) continue;
      for (const port of destination.ports) {
        const egress = source.external || allows(policies, "Egress", source, destination, port);
        const ingress = destination.external || allows(policies, "Ingress", destination, source, port);
        if (egress && ingress)
          flows.add(`${source.name} -> ${destination.name}:${port.port}/${port.protocol}`);
      }
    }
  }
  return [...flows].sort();
}
