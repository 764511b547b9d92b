import {
  adminCredentials,
  dataSecretScopes,
  disruptionBudgets,
  externalSecretData,
  migrations,
  namespacesFirst,
  networkPolicyCoverage,
  passwordsAsFiles,
  pinnedImages,
  probes,
  references,
  resources,
  securityContexts,
  servicePorts,
} from "./test-support/policy";
import {
  CLOUD_ENVIRONMENTS,
  ENVIRONMENTS,
  type K8sObject,
  find,
  overlayDir,
  render,
} from "./test-support/render";

// The local-secrets Job's script is plain CommonJS, mounted into a distroless node container as it is.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildSecrets } = require("../components/in-cluster-data/local-secrets.js") as {
  buildSecrets: () => { name: string; data: Record<string, string> }[];
};

/** What the render's Secrets hold, as far as it is known: the local generator's, or the templates. */
const secretData = (environment: string, objects: K8sObject[]) =>
  environment === "local"
    ? Object.fromEntries(buildSecrets().map((s) => [s.name, s.data]))
    : externalSecretData(objects);

// Tilt builds these and injects its own tags; every other overlay pins them.
const TILT_IMAGES = ["parley-gateway", "parley-auth", "parley-messaging", "parley-notification"];

describe.each(ENVIRONMENTS)("the %s overlay", (environment) => {
  const objects = () => render(overlayDir(environment));

  it("gives every long-running container readiness and liveness probes, and gRPC ones a gRPC probe", () => {
    expect(probes(objects())).toEqual([]);
  });

  it("gives every container CPU and memory requests and limits", () => {
    expect(resources(objects())).toEqual([]);
  });

  it("runs every container non-root, read-only, without privileges and with RuntimeDefault seccomp", () => {
    expect(securityContexts(objects())).toEqual([]);
  });

  it("pins every image to a version or digest", () => {
    expect(pinnedImages(objects(), environment === "local" ? TILT_IMAGES : [])).toEqual([]);
  });

  it("denies traffic by default and gives every workload NetworkPolicies and a PodDisruptionBudget", () => {
    expect(networkPolicyCoverage(objects())).toEqual([]);
    expect(disruptionBudgets(objects())).toEqual([]);
  });

  it("points every Service port at a container port of the pods it selects", () => {
    expect(servicePorts(objects())).toEqual([]);
  });

  it("refers only to ConfigMaps, Secrets, ServiceAccounts and Services that exist or are generated", () => {
    expect(references(objects())).toEqual([]);
  });

  it("migrates with a hook Job before the rollout, never at service start-up", () => {
    expect(migrations(objects())).toEqual([]);
  });

  it("syncs its namespace before anything in it", () => {
    expect(namespacesFirst(objects())).toEqual([]);
  });

  it("keeps the data stores' administrators to the provision init containers", () => {
    expect(adminCredentials(objects())).toEqual([]);
  });

  it("gives each container only its own database and broker credentials, and the gateway none", () => {
    expect(dataSecretScopes(objects())).toEqual([]);
  });

  it("hands every password over as a file of a mounted Secret, never as an environment variable", () => {
    const rendered = objects();
    expect(passwordsAsFiles(rendered, secretData(environment, rendered))).toEqual([]);
  });
});

describe.each(CLOUD_ENVIRONMENTS)("the %s overlay", (environment) => {
  it("runs the images Tilt builds locally, from a registry and pinned", () => {
    const images = render(overlayDir(environment))
      .filter(
        (o) => o.kind === "Deployment" && o.metadata.labels?.["app.kubernetes.io/component"] !== "monitoring",
      )
      .map((o) => o.spec.template.spec.containers[0].image as string);
    expect(images).toHaveLength(TILT_IMAGES.length);
    for (const image of images)
      expect(image).toMatch(/^ghcr\.io\/parley-messaging\/parley-[a-z]+(:\d+\.\d+\.\d+|@sha256:)/);
  });
});

describe("the policy rules", () => {
  const local = () => render("gitops/overlays/local");
  const gatewayContainer = (objects: ReturnType<typeof local>) =>
    find(objects, "Deployment", "gateway").spec.template.spec.containers[0];

  it("catch a missing readiness probe and a gRPC service without a gRPC probe", () => {
    const objects = local();
    delete gatewayContainer(objects).readinessProbe;
    delete find(objects, "Deployment", "auth").spec.template.spec.containers[0].startupProbe;
    expect(probes(objects)).toEqual([
      "Deployment/parley/auth container auth: no gRPC health probe on 50051",
      "Deployment/parley/gateway container gateway: no readinessProbe",
    ]);
  });

  it("catch a missing memory limit", () => {
    const objects = local();
    delete find(objects, "Job", "auth-migrate").spec.template.spec.containers[0].resources.limits.memory;
    expect(resources(objects)).toEqual(["Job/parley/auth-migrate container migrate: no memory limits"]);
  });

  it("catch a writable root filesystem, a root user and kept capabilities", () => {
    const objects = local();
    const container = gatewayContainer(objects);
    container.securityContext.readOnlyRootFilesystem = false;
    container.securityContext.capabilities = { add: ["NET_ADMIN"] };
    find(objects, "StatefulSet", "postgresql").spec.template.spec.securityContext.runAsNonRoot = false;
    expect(securityContexts(objects)).toEqual([
      "Deployment/parley/gateway container gateway: root filesystem is writable",
      "Deployment/parley/gateway container gateway: capabilities not dropped",
      "Deployment/parley/gateway container gateway: adds capabilities",
      "StatefulSet/parley/postgresql container postgresql: runAsNonRoot is not true",
    ]);
  });

  it("catch latest, unversioned, untagged and missing images", () => {
    const objects = render("gitops/overlays/staging");
    delete find(objects, "Job", "messaging-migrate").spec.template.spec.containers[0].image;
    gatewayContainer(objects).image = "ghcr.io/parley-messaging/parley-gateway:latest";
    find(objects, "Deployment", "auth").spec.template.spec.containers[0].image =
      "ghcr.io/parley-messaging/parley-auth";
    find(objects, "Job", "auth-migrate").spec.template.spec.containers[0].image = "example/tool:stable";
    expect(pinnedImages(objects)).toEqual([
      "Deployment/parley/auth container auth: image ghcr.io/parley-messaging/parley-auth has no tag",
      "Deployment/parley/gateway container gateway: image ghcr.io/parley-messaging/parley-gateway:latest is not pinned to a version",
      "Job/parley/auth-migrate container migrate: image example/tool:stable is not pinned to a version",
      "Job/parley/messaging-migrate container migrate: no image",
    ]);
  });

  it("catch a namespace without default deny and a workload without policy or budget", () => {
    const objects = local().filter(
      (o) =>
        !(o.kind === "NetworkPolicy" && ["default-deny", "rabbitmq"].includes(o.metadata.name)) &&
        !(o.kind === "PodDisruptionBudget" && o.metadata.name === "messaging"),
    );
    expect(networkPolicyCoverage(objects)).toEqual([
      "namespace parley: no default-deny NetworkPolicy",
      "StatefulSet/parley/rabbitmq: no NetworkPolicy selects its pods",
    ]);
    expect(disruptionBudgets(objects)).toEqual(["Deployment/parley/messaging: no PodDisruptionBudget"]);
  });

  it("catch a Service port that no container exposes", () => {
    const objects = local();
    find(objects, "Service", "auth").spec.ports[0].targetPort = "grcp";
    expect(servicePorts(objects)).toEqual([
      "Service/parley/auth: port grpc targets grcp, which no pod exposes",
    ]);
  });

  it("catch references to a ConfigMap, Secret and Service that do not exist", () => {
    const objects = local();
    gatewayContainer(objects).envFrom[1].configMapRef.name = "gateway-konfig";
    find(objects, "Deployment", "auth").spec.template.spec.volumes[1].secret.secretName = "signing-keys";
    find(objects, "Ingress", "gateway").spec.rules[0].http.paths[0].backend.service.name = "gateways";
    expect(references(objects)).toEqual([
      "Deployment/parley/auth: Secret signing-keys is neither in git nor generated",
      "Deployment/parley/gateway: ConfigMap gateway-konfig not found",
      "Ingress/parley/gateway: backend Service gateways not found",
    ]);
  });

  it("accept a Secret only when an ExternalSecret in the render creates it", () => {
    const objects = render("gitops/overlays/staging").filter(
      (o) => !(o.kind === "ExternalSecret" && o.metadata.name === "messaging-rabbitmq"),
    );
    expect(references(objects)).toEqual([
      "Deployment/parley/messaging: Secret messaging-rabbitmq is neither in git nor generated",
      "Job/parley/messaging-migrate: Secret messaging-rabbitmq is neither in git nor generated",
    ]);
  });

  it("catch migration at start-up, a missing migration Job and a PreSync hook that would wait for its Secret", () => {
    const objects = render("gitops/overlays/staging").filter((o) => o.metadata.name !== "messaging-migrate");
    const authConfig = objects.find(
      (o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("auth-config"),
    )!;
    authConfig.data.DATABASE_MIGRATE_ON_START = "true";
    find(objects, "Job", "notification-migrate").metadata.annotations!["argocd.argoproj.io/hook"] = "PreSync";
    expect(migrations(objects)).toEqual([
      "Deployment/parley/auth container auth: DATABASE_MIGRATE_ON_START is not false",
      "Deployment/parley/messaging: no migration Job",
      "Job/parley/notification-migrate: needs ServiceAccount/parley/notification, which is not synced before it",
      expect.stringMatching(
        /^Job\/parley\/notification-migrate: needs ConfigMap\/parley\/notification-config-\w+, which is not synced before it$/,
      ),
      expect.stringMatching(
        /^Job\/parley\/notification-migrate: needs ConfigMap\/parley\/parley-common-\w+, which is not synced before it$/,
      ),
      "Job/parley/notification-migrate: needs ExternalSecret/parley/notification-database, which is not synced before it",
      "Job/parley/notification-migrate: needs ExternalSecret/parley/notification-database-migrator, which is not synced before it",
      "Job/parley/notification-migrate: needs ExternalSecret/parley/notification-rabbitmq, which is not synced before it",
      "Job/parley/notification-migrate: needs ExternalSecret/parley/parley-database-admin, which is not synced before it",
      "Job/parley/notification-migrate: needs ExternalSecret/parley/parley-rabbitmq-admin, which is not synced before it",
      "Job/parley/notification-migrate: needs ExternalSecret/parley/rabbitmq-monitoring, which is not synced before it",
      "Job/parley/notification-migrate: needs NetworkPolicy/parley/allow-dns, which is not synced before it",
      "Job/parley/notification-migrate: needs NetworkPolicy/parley/allow-prometheus-scrape, which is not synced before it",
      "Job/parley/notification-migrate: needs NetworkPolicy/parley/allow-telemetry, which is not synced before it",
      "Job/parley/notification-migrate: needs NetworkPolicy/parley/default-deny, which is not synced before it",
      "Job/parley/notification-migrate: needs NetworkPolicy/parley/migration-egress, which is not synced before it",
      "Job/parley/notification-migrate: needs SecurityGroupPolicy/parley/data-clients, which is not synced before it",
    ]);
  });

  it("catch a namespace synced after objects in it", () => {
    const objects = render("gitops/overlays/staging").filter(
      (o) => o.kind === "Namespace" || o.kind === "ConfigMap",
    );
    delete find(objects, "Namespace", "parley").metadata.annotations;
    expect(namespacesFirst(objects)).toEqual([
      expect.stringMatching(/^ConfigMap\/parley\/auth-config-\w+: synced no later than its namespace$/),
      expect.stringMatching(/^ConfigMap\/parley\/gateway-config-\w+: synced no later than its namespace$/),
      expect.stringMatching(/^ConfigMap\/parley\/messaging-config-\w+: synced no later than its namespace$/),
      expect.stringMatching(
        /^ConfigMap\/parley\/notification-config-\w+: synced no later than its namespace$/,
      ),
      expect.stringMatching(/^ConfigMap\/parley\/parley-common-\w+: synced no later than its namespace$/),
    ]);
  });

  it("catch a migration Job that would start before the policies letting it reach the database", () => {
    const objects = render("gitops/overlays/production");
    delete find(objects, "NetworkPolicy", "migration-egress").metadata.annotations;
    delete find(objects, "SecurityGroupPolicy", "data-clients").metadata.annotations;
    expect(migrations(objects)).toEqual([
      "Job/parley/auth-migrate: needs NetworkPolicy/parley/migration-egress, which is not synced before it",
      "Job/parley/auth-migrate: needs SecurityGroupPolicy/parley/data-clients, which is not synced before it",
      "Job/parley/messaging-migrate: needs NetworkPolicy/parley/migration-egress, which is not synced before it",
      "Job/parley/messaging-migrate: needs SecurityGroupPolicy/parley/data-clients, which is not synced before it",
      "Job/parley/notification-migrate: needs NetworkPolicy/parley/migration-egress, which is not synced before it",
      "Job/parley/notification-migrate: needs SecurityGroupPolicy/parley/data-clients, which is not synced before it",
    ]);
  });

  it("catch a migration Job without its provision step, or one that migrates with another command", () => {
    const objects = render("gitops/overlays/staging");
    delete find(objects, "Job", "auth-migrate").spec.template.spec.initContainers;
    find(objects, "Job", "messaging-migrate").spec.template.spec.containers[0].args = ["dist/main.js"];
    expect(migrations(objects)).toEqual([
      "Job/parley/auth-migrate: no init container runs dist/main.js provision",
      "Job/parley/messaging-migrate container migrate: does not run dist/main.js migrate",
    ]);
  });

  it("catch a service's ExternalSecret that reads the RDS master or broker administrator secret", () => {
    const objects = render("gitops/overlays/staging");
    const databaseAdminKey = find(objects, "ExternalSecret", "parley-database-admin").spec.data[0].remoteRef
      .key;
    find(objects, "ExternalSecret", "auth-database").spec.dataFrom[0].extract.key = databaseAdminKey;
    find(objects, "ExternalSecret", "messaging-rabbitmq").spec.dataFrom[0].extract.key =
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0123-abcdef";
    expect(adminCredentials(objects)).toEqual([
      "ExternalSecret/parley/auth-database: reads administrator credentials database-admin-secret-from-cluster-annotation into Secret auth-database",
      "ExternalSecret/parley/messaging-rabbitmq: reads administrator credentials arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0123-abcdef into Secret messaging-rabbitmq",
    ]);
  });

  it("catch an administrator Secret used by a service or by the migrate step", () => {
    const objects = local();
    const auth = find(objects, "Deployment", "auth").spec.template.spec;
    auth.volumes.push({ name: "admin", secret: { secretName: "parley-database-admin" } });
    auth.containers[0].volumeMounts.push({
      name: "admin",
      mountPath: "/var/run/secrets/parley/database-admin",
    });
    find(objects, "Job", "notification-migrate").spec.template.spec.containers[0].env.push({
      name: "RABBITMQ_ADMIN_USER",
      valueFrom: { secretKeyRef: { name: "parley-rabbitmq-admin", key: "RABBITMQ_ADMIN_USER" } },
    });
    expect(adminCredentials(objects)).toEqual([
      "Deployment/parley/auth container auth: uses administrator Secret parley-database-admin, which only provision init containers may",
      "Job/parley/notification-migrate container migrate: uses administrator Secret parley-rabbitmq-admin, which only provision init containers may",
    ]);
  });

  it("catch a service that mounts another's credentials, misses its own, and a gateway with a database Secret", () => {
    const objects = local();
    const messaging = find(objects, "Deployment", "messaging").spec.template.spec;
    messaging.volumes.find((v: { name: string }) => v.name === "database").secret.secretName =
      "auth-database";
    const gateway = find(objects, "Deployment", "gateway").spec.template.spec;
    gateway.volumes.push({ name: "database", secret: { secretName: "notification-database" } });
    gateway.containers[0].volumeMounts.push({
      name: "database",
      mountPath: "/var/run/secrets/parley/database",
    });
    const migrate = find(objects, "Job", "auth-migrate").spec.template.spec.containers[0];
    migrate.env.find((e: { name: string }) => e.name === "DATABASE_URL").valueFrom.secretKeyRef.name =
      "auth-database";
    expect(dataSecretScopes(objects)).toEqual([
      "Deployment/parley/gateway container gateway: uses Secret notification-database, not one of its own (none)",
      "Deployment/parley/messaging container messaging: uses Secret auth-database, not one of its own (messaging-database, messaging-rabbitmq)",
      "Deployment/parley/messaging container messaging: does not mount its own Secret messaging-database",
      "Job/parley/auth-migrate container migrate: uses Secret auth-database, not one of its own (auth-database-migrator)",
    ]);
  });

  it("catch a password in the environment: envFrom a Secret, a password key, a URL with a password, no file", () => {
    const objects = render("gitops/overlays/dev");
    const auth = find(objects, "Deployment", "auth").spec.template.spec.containers[0];
    auth.envFrom.push({ secretRef: { name: "auth-database" } });
    auth.env = auth.env.filter((e: { name: string }) => e.name !== "AMQP_PASSWORD_FILE");
    const provision = find(objects, "Job", "messaging-migrate").spec.template.spec.initContainers[0];
    provision.env.push({
      name: "DATABASE_ADMIN_PASSWORD",
      valueFrom: { secretKeyRef: { name: "parley-database-admin", key: "password" } },
    });
    provision.env.find((e: { name: string }) => e.name === "DATABASE_MIGRATOR_PASSWORD_FILE").value =
      "/var/run/secrets/parley/database-migrator/DATABASE_URL";
    const notification = find(objects, "Deployment", "notification").spec.template.spec.containers[0];
    notification.env.find((e: { name: string }) => e.name === "DATABASE_URL").value =
      "postgres://parley_notification:hunter2@db.internal:5432/parley?sslmode=require";
    delete notification.env.find((e: { name: string }) => e.name === "DATABASE_URL").valueFrom;
    const data = externalSecretData(objects);
    data["auth-rabbitmq"]!.AMQP_URL =
      "amqps://{{ .username }}:{{ .password | urlquery }}@{{ .host }}:{{ .port }}";
    expect(passwordsAsFiles(objects, data)).toEqual([
      "Deployment/parley/auth container auth: envFrom Secret auth-database puts every key of it, passwords too, in the environment",
      "Deployment/parley/auth container auth: AMQP_URL carries a password in its URL",
      "Deployment/parley/auth container auth: AMQP_URL without AMQP_PASSWORD_FILE",
      "Deployment/parley/notification container notification: DATABASE_URL carries a password in its URL",
      "Job/parley/auth-migrate container provision: AMQP_URL carries a password in its URL",
      "Job/parley/messaging-migrate container provision: DATABASE_ADMIN_PASSWORD takes a password into the environment (parley-database-admin/password)",
      "Job/parley/messaging-migrate container provision: DATABASE_MIGRATOR_PASSWORD_FILE=/var/run/secrets/parley/database-migrator/DATABASE_URL is not the password file of a Secret it mounts",
    ]);
  });
});
