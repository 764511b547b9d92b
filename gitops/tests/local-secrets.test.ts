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

  it("gives the provision step the administrator PostgreSQL is initialised with", () => {
    const objects = render("gitops/overlays/local");
    const postgres = find(objects, "StatefulSet", "postgresql").spec.template.spec;
    const env = Object.fromEntries(
      postgres.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]),
    );
    const volume = postgres.volumes.find((v: { secret?: { secretName: string } }) => v.secret);
    const mount = postgres.containers[0].volumeMounts.find((m: { name: string }) => m.name === volume.name);
    expect(volume.secret.secretName).toBe("parley-database-admin");
    expect(env.POSTGRES_PASSWORD_FILE).toBe(`${mount.mountPath}/password`);
    expect(secrets()["parley-database-admin"]).toEqual({
      DATABASE_ADMIN_URL: `postgres://${env.POSTGRES_USER}@postgresql:5432/${env.POSTGRES_DB}`,
      password: expect.stringMatching(/^[0-9a-f]{48}$/),
    });
  });

  it("gives the provision step the administrator whose password RabbitMQ's definitions hash", () => {
    const { "rabbitmq-definitions": definitions, "parley-rabbitmq-admin": admin } = secrets();
    const user = JSON.parse(definitions!["definitions.json"]!).users[0];
    const stored = Buffer.from(user.password_hash, "base64");
    const salt = stored.subarray(0, 4);
    expect(admin).toEqual({
      RABBITMQ_MANAGEMENT_URL: "http://rabbitmq:15672",
      RABBITMQ_ADMIN_USER: user.name,
      password: expect.stringMatching(/^[0-9a-f]{48}$/),
    });
    expect(user.tags).toEqual(["administrator"]);
    expect(user.hashing_algorithm).toBe("rabbit_password_hashing_sha256");
    expect(stored.subarray(4)).toEqual(createHash("sha256").update(salt).update(admin!.password!).digest());
  });

  it("gives each service its own roles and broker user, with a password apart from its URL", () => {
    const all = secrets();
    const passwords = new Set<string>();
    for (const service of ["auth", "messaging", "notification"]) {
      expect({
        database: all[`${service}-database`],
        migrator: all[`${service}-database-migrator`],
        rabbitmq: all[`${service}-rabbitmq`],
      }).toEqual({
        database: {
          DATABASE_URL: `postgres://parley_${service}@postgresql:5432/parley`,
          password: expect.stringMatching(/^[0-9a-f]{48}$/),
        },
        migrator: {
          DATABASE_URL: `postgres://parley_${service}_migrator@postgresql:5432/parley`,
          password: expect.stringMatching(/^[0-9a-f]{48}$/),
        },
        rabbitmq: {
          AMQP_URL: `amqp://parley_${service}@rabbitmq:5672`,
          password: expect.stringMatching(/^[0-9a-f]{48}$/),
        },
      });
      for (const kind of ["database", "database-migrator", "rabbitmq"])
        passwords.add(all[`${service}-${kind}`]!.password!);
    }
    passwords.add(all["parley-database-admin"]!.password!);
    passwords.add(all["parley-rabbitmq-admin"]!.password!);
    expect(passwords.size).toBe(11);
  });

  it("generates a fresh P-256 signing key named <kid>.pem for auth", () => {
    const keys = secrets()["auth-signing-keys"]!;
    const [file, pem] = Object.entries(keys)[0]!;
    expect(file).toMatch(/^local-\d{4}-\d{2}-\d{2}\.pem$/);
    expect(createPrivateKey(pem).asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
  });

  it("draws new passwords on every run", () => {
    expect(secrets()["parley-database-admin"]).not.toEqual(secrets()["parley-database-admin"]);
    expect(secrets()["auth-database"]).not.toEqual(secrets()["auth-database"]);
  });
});
