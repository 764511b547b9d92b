// Creates the local cluster's secrets inside the cluster, so no secret value is ever in git: the
// administrators of PostgreSQL and RabbitMQ (which only the migration Jobs' provision step uses),
// for each service that owns data its runtime database role, its migration role and its broker user
// (the provision step gives them these passwords), and an EC P-256 signing key for auth. URLs never
// hold a password: every password is the `password` key of its Secret, mounted as a file.
// A secret that already exists is kept, so the administrators' passwords keep matching the data
// volumes across runs. Runs as the local-secrets Job (node from the distroless image, no dependencies).
const { Buffer } = require("node:buffer");
const crypto = require("node:crypto");
const fs = require("node:fs");
const https = require("node:https");
const { URL } = require("node:url");

/** The services that own a schema and publish or consume events. */
const DATA_OWNERS = ["auth", "messaging", "notification"];
/** The in-cluster stores' administrator, which the StatefulSets create. */
const ADMIN_USER = "parley";

/** The secrets to create, each `{ name, data }` with string values. */
function buildSecrets({ randomBytes = crypto.randomBytes, now = new Date() } = {}) {
  const password = () => randomBytes(24).toString("hex");
  const databaseAdminPassword = password();
  const brokerAdminPassword = password();
  const { privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const kid = `local-${now.toISOString().slice(0, 10)}`;
  return [
    {
      name: "rabbitmq-definitions",
      data: {
        "definitions.json": JSON.stringify(brokerDefinitions(ADMIN_USER, brokerAdminPassword, randomBytes)),
      },
    },
    {
      // Also PostgreSQL's own superuser password (POSTGRES_PASSWORD_FILE of the StatefulSet).
      name: "parley-database-admin",
      data: {
        DATABASE_ADMIN_URL: `postgres://${ADMIN_USER}@postgresql:5432/parley`,
        password: databaseAdminPassword,
      },
    },
    {
      name: "parley-rabbitmq-admin",
      data: {
        RABBITMQ_MANAGEMENT_URL: "http://rabbitmq:15672",
        RABBITMQ_ADMIN_USER: ADMIN_USER,
        password: brokerAdminPassword,
      },
    },
    ...DATA_OWNERS.flatMap((service) => [
      {
        name: `${service}-database`,
        data: { DATABASE_URL: `postgres://parley_${service}@postgresql:5432/parley`, password: password() },
      },
      {
        name: `${service}-database-migrator`,
        data: {
          DATABASE_URL: `postgres://parley_${service}_migrator@postgresql:5432/parley`,
          password: password(),
        },
      },
      {
        name: `${service}-rabbitmq`,
        data: { AMQP_URL: `amqp://parley_${service}@rabbitmq:5672`, password: password() },
      },
    ]),
    {
      // postgres_exporter's own role (pg_monitor only), which its provision init container creates.
      name: "postgres-exporter-database",
      data: {
        DATA_SOURCE_URI: "postgresql:5432/parley?sslmode=disable",
        DATA_SOURCE_USER: "parley_monitoring",
        password: password(),
      },
    },
    {
      name: "auth-signing-keys",
      data: { [`${kid}.pem`]: privateKey.export({ type: "pkcs8", format: "pem" }).toString() },
    },
  ];
}

/** RabbitMQ definitions with one administrator; the hash is RabbitMQ's salted SHA-256 scheme. */
function brokerDefinitions(user, password, randomBytes) {
  const salt = randomBytes(4);
  const digest = crypto.createHash("sha256").update(salt).update(password, "utf8").digest();
  return {
    users: [
      {
        name: user,
        password_hash: Buffer.concat([salt, digest]).toString("base64"),
        hashing_algorithm: "rabbit_password_hashing_sha256",
        tags: ["administrator"],
      },
    ],
    vhosts: [{ name: "/" }],
    permissions: [{ user, vhost: "/", configure: ".*", write: ".*", read: ".*" }],
  };
}

function createSecret(apiServer, namespace, token, ca, secret) {
  const body = JSON.stringify({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: secret.name, labels: { "app.kubernetes.io/managed-by": "local-secrets" } },
    type: "Opaque",
    stringData: secret.data,
  });
  const url = new URL(`/api/v1/namespaces/${namespace}/secrets`, apiServer);
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: "POST",
        ca,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => {
          if (response.statusCode === 201) resolve("created");
          else if (response.statusCode === 409) resolve("kept");
          else reject(new Error(`creating ${secret.name}: HTTP ${response.statusCode} ${text}`));
        });
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

async function main() {
  const account = "/var/run/secrets/kubernetes.io/serviceaccount";
  const token = fs.readFileSync(`${account}/token`, "utf8");
  const ca = fs.readFileSync(`${account}/ca.crt`);
  const namespace = fs.readFileSync(`${account}/namespace`, "utf8");
  const apiServer = `https://${process.env.KUBERNETES_SERVICE_HOST}:${process.env.KUBERNETES_SERVICE_PORT}`;
  for (const secret of buildSecrets()) {
    process.stdout.write(`${secret.name}: ${await createSecret(apiServer, namespace, token, ca, secret)}\n`);
  }
}

module.exports = { buildSecrets };

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  });
}
