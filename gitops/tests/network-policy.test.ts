import { allowedFlows, type Peer } from "./test-support/network";
import { find, overlayDir, render } from "./test-support/render";

// Peers outside the rendered overlay, labelled as the charts in gitops/platform/apps label them.
const CLUSTER_PEERS: Peer[] = [
  {
    name: "traefik",
    namespace: "traefik",
    labels: { "app.kubernetes.io/name": "traefik" },
    ports: [],
    external: true,
  },
  {
    name: "prometheus",
    namespace: "monitoring",
    labels: { "app.kubernetes.io/name": "prometheus" },
    ports: [],
    external: true,
  },
  {
    name: "otel-collector",
    namespace: "monitoring",
    labels: { "app.kubernetes.io/name": "opentelemetry-collector" },
    ports: [{ port: 4318, protocol: "TCP" }],
    external: true,
  },
  {
    name: "kube-dns",
    namespace: "kube-system",
    labels: { "k8s-app": "kube-dns" },
    ports: [
      { port: 53, protocol: "UDP" },
      { port: 53, protocol: "TCP" },
    ],
    external: true,
  },
];

const SERVICES = ["gateway", "auth", "messaging", "notification"];
const TABLE_OWNERS = ["auth", "messaging", "notification"];
const MIGRATIONS = TABLE_OWNERS.map((s) => `${s}-migrate`);

/** The flows of DESIGN.md and the service contract, in both environments' shape. */
function expectedFlows(dataFlows: string[], otherPods: string[], otherFlows: string[]): string[] {
  const parleyPods = [...SERVICES, ...MIGRATIONS];
  return [
    "traefik -> gateway:8080/TCP",
    ...SERVICES.map((s) => `prometheus -> ${s}:9464/TCP`),
    "gateway -> auth:50051/TCP",
    "gateway -> messaging:50051/TCP",
    "gateway -> notification:50051/TCP",
    "messaging -> auth:50051/TCP",
    "notification -> auth:50051/TCP",
    "notification -> messaging:50051/TCP",
    ...parleyPods.map((p) => `${p} -> otel-collector:4318/TCP`),
    // postgres_exporter, scraped by Prometheus (its way to the database is in dataFlows).
    "prometheus -> postgres-exporter:9187/TCP",
    ...[...parleyPods, "postgres-exporter", ...otherPods].flatMap((p) => [
      `${p} -> kube-dns:53/TCP`,
      `${p} -> kube-dns:53/UDP`,
    ]),
    ...dataFlows,
    ...otherFlows,
  ].sort();
}

describe("the local overlay's NetworkPolicies", () => {
  const kubeApiServer: Peer = {
    name: "kube-apiserver",
    ip: "172.18.0.2",
    ports: [{ port: 6443, protocol: "TCP" }],
    external: true,
  };
  const flows = (objects = render(overlayDir("local"))) =>
    allowedFlows(objects, [...CLUSTER_PEERS, kubeApiServer]);

  it("allow exactly the designed flows, with PostgreSQL and RabbitMQ in the cluster", () => {
    // The servers speak SQL and AMQP; the migration Jobs SQL and the broker's management API.
    const data = [
      ...TABLE_OWNERS.flatMap((p) => [`${p} -> postgresql:5432/TCP`, `${p} -> rabbitmq:5672/TCP`]),
      ...MIGRATIONS.flatMap((p) => [`${p} -> postgresql:5432/TCP`, `${p} -> rabbitmq:15672/TCP`]),
      "postgres-exporter -> postgresql:5432/TCP",
      // The broker's own metrics (its Prometheus plugin).
      "prometheus -> rabbitmq:15692/TCP",
    ];
    expect(flows()).toEqual(
      expectedFlows(
        data,
        ["postgresql", "rabbitmq", "local-secrets"],
        ["local-secrets -> kube-apiserver:6443/TCP"],
      ),
    );
  });

  it("are checked for flows nobody designed", () => {
    const objects = render(overlayDir("local"));
    const gatewayEgress = find(objects, "NetworkPolicy", "gateway").spec.egress[0];
    gatewayEgress.to.push({ podSelector: { matchLabels: { "app.kubernetes.io/name": "postgresql" } } });
    find(objects, "NetworkPolicy", "postgresql").spec.ingress[0].from.push({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "gateway" } },
    });
    gatewayEgress.ports.push({ port: 5432, protocol: "TCP" });
    expect(flows(objects)).toContain("gateway -> postgresql:5432/TCP");
  });

  it("are checked for designed flows that are blocked", () => {
    const objects = render(overlayDir("local")).filter(
      (o) => !(o.kind === "NetworkPolicy" && o.metadata.name === "messaging"),
    );
    const actual = flows(objects);
    expect(actual).not.toContain("gateway -> messaging:50051/TCP");
    expect(actual).not.toContain("messaging -> auth:50051/TCP");
  });
});

describe.each([
  // The VPC CIDRs of cdktf/'s environments: the data subnets (RDS, Amazon MQ) lie inside them.
  { environment: "dev", database: "10.10.21.10" },
  { environment: "staging", database: "10.20.21.10" },
  { environment: "production", database: "10.30.21.10" },
])("the $environment overlay's NetworkPolicies", ({ environment, database }) => {
  const managedData: Peer = {
    name: "managed-data",
    ip: database,
    ports: [
      { port: 5432, protocol: "TCP" },
      { port: 5671, protocol: "TCP" },
      // Amazon MQ's management API (its console URL).
      { port: 443, protocol: "TCP" },
      // Plain AMQP is never allowed out: Amazon MQ speaks TLS only.
      { port: 5672, protocol: "TCP" },
    ],
    external: true,
  };

  it("allow exactly the designed flows, with the managed database and broker in the VPC", () => {
    const data = [
      ...TABLE_OWNERS.flatMap((p) => [`${p} -> managed-data:5432/TCP`, `${p} -> managed-data:5671/TCP`]),
      ...MIGRATIONS.flatMap((p) => [`${p} -> managed-data:5432/TCP`, `${p} -> managed-data:443/TCP`]),
      "postgres-exporter -> managed-data:5432/TCP",
    ];
    expect(allowedFlows(render(overlayDir(environment)), [...CLUSTER_PEERS, managedData])).toEqual(
      expectedFlows(data, [], []),
    );
  });

  it("never allow egress to the whole internet", () => {
    const cidrs = render(overlayDir(environment))
      .filter((o) => o.kind === "NetworkPolicy")
      .flatMap((p) =>
        (p.spec.egress ?? []).flatMap((rule: { to?: { ipBlock?: { cidr: string } }[] }) => rule.to ?? []),
      )
      .flatMap((peer) => (peer.ipBlock ? [peer.ipBlock.cidr] : []));
    expect(cidrs.length).toBeGreaterThan(0);
    for (const cidr of cidrs) expect(cidr).toMatch(/^10\.\d+\.\d+\.\d+\/(1[6-9]|2\d)$/);
  });
});
