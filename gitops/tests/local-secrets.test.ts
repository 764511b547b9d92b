import { createHash, createPrivateKey } from "node:crypto";
import { find, render } from "./test-support/render";

// The Job's script is plain CommonJS, mounted into a distroless node container as it is.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildSecrets } = require("../components/in-cluster-data/local-secrets.js") as {
  buildSecrets: (options?: { now?: Date }) => { name: string; data: Record<string, string> }[];
};

const secrets = () => Object.fromEntries(buildSecrets().map((s) => [s.name, s.data]));

describe("the local secrets generator", () => {
  it("creates exactly the Secrets its Job declares for the policy checks", () => {
    const declared = find(render("gitops/overlays/local"), "Job", "local-secrets").metadata.annotations![
      "parley.dev/generates-secrets"
    ]!.split(",");
    expect(buildSecrets().map((s) => s.name)).toEqual(declared);
  });

  it("gives the services the password PostgreSQL is initialised with", () => {
    const { "postgresql-credentials": postgres, "parley-database": database } = secrets();
    expect(database!.DATABASE_URL).toBe(
      `postgres://parley:${postgres!.POSTGRES_PASSWORD}@postgresql:5432/parley`,
    );
    expect(postgres!.POSTGRES_PASSWORD).toMatch(/^[0-9a-f]{48}$/);
  });

  it("gives the services the password RabbitMQ's definitions hash", () => {
    const { "rabbitmq-definitions": definitions, "parley-rabbitmq": rabbitmq } = secrets();
    const password = /^amqp:\/\/parley:([0-9a-f]{48})@rabbitmq:5672$/.exec(rabbitmq!.AMQP_URL!)![1]!;
    const user = JSON.parse(definitions!["definitions.json"]!).users[0];
    const stored = Buffer.from(user.password_hash, "base64");
    const salt = stored.subarray(0, 4);
    expect(user.hashing_algorithm).toBe("rabbit_password_hashing_sha256");
    expect(stored.subarray(4)).toEqual(createHash("sha256").update(salt).update(password).digest());
  });

  it("generates a fresh P-256 signing key named <kid>.pem for auth", () => {
    const keys = secrets()["auth-signing-keys"]!;
    const [file, pem] = Object.entries(keys)[0]!;
    expect(file).toMatch(/^local-\d{4}-\d{2}-\d{2}\.pem$/);
    expect(createPrivateKey(pem).asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
  });

  it("draws new passwords on every run", () => {
    expect(secrets()["postgresql-credentials"]).not.toEqual(secrets()["postgresql-credentials"]);
  });
});
