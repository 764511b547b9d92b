/**
 * When each version Parley runs on stops getting fixes, as its maintainers publish it: the one
 * table the tests hold every pin against (CI has no network to ask). A version with no published
 * end is supported while it is current; `reviewedOn` says when the whole table was last checked,
 * and the tests fail once that is older than `reviewEveryDays`, so nobody trusts a stale table.
 */
export interface SupportWindow {
  /** The last day of (standard) support, or null where none is published yet. */
  endOfSupport: string | null;
  source: string;
}

export const reviewedOn = "2026-12-03";
export const reviewEveryDays = 120;

const EKS = "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html (release calendar)";

/** Kubernetes minor versions on Amazon EKS: 14 months of standard support, then 12 of extended. */
export const eksKubernetes: Record<string, SupportWindow & { endOfExtendedSupport: string }> = {
  "1.33": { endOfSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29", source: EKS },
  "1.34": { endOfSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02", source: EKS },
  "1.35": { endOfSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27", source: EKS },
};

const RDS =
  "https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html";

/** PostgreSQL major versions on Amazon RDS (standard support). */
export const rdsPostgres: Record<string, SupportWindow> = {
  "16": { endOfSupport: "2029-02-28", source: RDS },
  "17": { endOfSupport: "2030-02-28", source: RDS },
};

const MQ = "https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-version-support.html";

/** RabbitMQ on Amazon MQ: no end announced for these (at least 90 days' notice is given). */
export const amazonMqRabbitMq: Record<string, SupportWindow> = {
  "3.13": { endOfSupport: null, source: MQ },
  "4.2": { endOfSupport: null, source: MQ },
  "4.3": { endOfSupport: null, source: MQ },
};

/** Node.js release lines: the services, the images and CI. */
export const nodejs: Record<string, SupportWindow> = {
  "24": {
    endOfSupport: "2028-04-30",
    source: "https://nodejs.org/en/about/previous-releases (LTS schedule)",
  },
};

/**
 * Helm charts the project installs, by chart name: the pinned version and what supports it. Their
 * projects support their newest releases only, so the end stays null until a successor appears,
 * and the review date is what keeps the table honest. Argo CD's chart is pinned in
 * terraform/modules/gitops-bootstrap; the others in gitops/platform/apps.
 */
export const charts: Record<string, SupportWindow & { version: string; app: string }> = {
  "argo-cd": {
    version: "10.2.1",
    app: "Argo CD v3.4.5",
    endOfSupport: null,
    source:
      "https://argo-cd.readthedocs.io/en/stable/operator-manual/installation/#supported-versions (the three newest minors)",
  },
  "argocd-apps": {
    version: "2.0.2",
    app: "Application manifests only",
    endOfSupport: null,
    source: "https://github.com/argoproj/argo-helm/tree/main/charts/argocd-apps",
  },
  "external-secrets": {
    version: "2.6.0",
    app: "External Secrets Operator 2.6",
    endOfSupport: null,
    source: "https://external-secrets.io/latest/introduction/stability-support/",
  },
  "kube-prometheus-stack": {
    version: "88.6.5",
    app: "Prometheus 3, Grafana, the Prometheus operator",
    endOfSupport: null,
    source: "https://github.com/prometheus-community/helm-charts/tree/main/charts/kube-prometheus-stack",
  },
  traefik: {
    version: "41.2.0",
    app: "Traefik 3 (ingress-nginx was retired in March 2026)",
    endOfSupport: null,
    source: "https://doc.traefik.io/traefik/deprecation/releases/",
  },
  "metrics-server": {
    version: "3.13.0",
    app: "metrics-server 0.8",
    endOfSupport: null,
    source: "https://github.com/kubernetes-sigs/metrics-server#compatibility-matrix",
  },
  "opentelemetry-collector": {
    version: "0.173.1",
    app: "OpenTelemetry Collector contrib",
    endOfSupport: null,
    source: "https://github.com/open-telemetry/opentelemetry-helm-charts/releases",
  },
  loki: {
    version: "6.53.0",
    app: "Loki 3",
    endOfSupport: null,
    source: "https://github.com/grafana/loki/releases",
  },
  tempo: {
    version: "1.18.2",
    app: "Tempo 2 (single binary)",
    endOfSupport: null,
    source: "https://github.com/grafana/helm-charts/tree/main/charts/tempo",
  },
};

/** Images the local overlay runs besides Parley's own (in-cluster PostgreSQL and RabbitMQ). */
export const localImages: Record<string, SupportWindow> = {
  "postgres:15": { endOfSupport: "2027-11-11", source: "https://www.postgresql.org/support/versioning/" },
  "rabbitmq:4.2": { endOfSupport: null, source: "https://www.rabbitmq.com/release-information" },
};
