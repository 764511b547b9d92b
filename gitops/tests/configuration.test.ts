import { readFileSync } from "node:fs";
import path from "node:path";
import { type ServiceName, launcherVariables } from "@parley/launcher";
import { ALL_SERVICES, configurationTable } from "@parley/test-support";
import { configurationProblems, environments, externalSecretKeys } from "./test-support/configuration";
import { runtimeEnvNames } from "./test-support/dockerfile";
import { ENVIRONMENTS, find, overlayDir, render, repoRoot } from "./test-support/render";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildSecrets } = require("../components/in-cluster-data/local-secrets.js") as {
  buildSecrets: () => { name: string; data: Record<string, string> }[];
};

const documented = configurationTable();
const listedFor = (service: string) =>
  documented.filter((v) => v.services.includes(service)).map((v) => v.name);

const localSecretKeys = Object.fromEntries(buildSecrets().map((s) => [s.name, Object.keys(s.data)]));
const environmentOf = (environment: string, objects = render(overlayDir(environment))) =>
  environments(objects, environment === "local" ? localSecretKeys : externalSecretKeys(objects));

describe("the README's Configuration table", () => {
  it("is found, with its required variables and the runtime's and manifests' own rows", () => {
    expect(documented.filter((v) => v.required).map((v) => v.name)).toEqual(
      expect.arrayContaining(["DATABASE_URL", "AUTH_GRPC_URL", "AUTH_SIGNING_KEYS_DIR"]),
    );
    expect(documented.find((v) => v.name === "OTEL_EXPORTER_OTLP_ENDPOINT")?.readBy).toBe("runtime");
    expect(documented.find((v) => v.name === "K8S_POD_NAME")?.readBy).toBe("manifests");
  });
});

describe.each(ENVIRONMENTS)("the services' environment in the %s overlay", (environment) => {
  it("sets every required variable in every container of its Deployments and Jobs, and nothing the table does not list", () => {
    const workloads = environmentOf(environment);
    expect(workloads.map((w) => w.workload)).toEqual(
      expect.arrayContaining([
        "Deployment/gateway",
        "Job/auth-migrate",
        "Job/auth-migrate (provision)",
        "Job/messaging-migrate",
      ]),
    );
    expect(configurationProblems(workloads, documented)).toEqual([]);
  });
});

describe("the images and npm start", () => {
  it("the production image sets only variables the table lists for every service", () => {
    const names = runtimeEnvNames(readFileSync(path.join(repoRoot, "app/Dockerfile"), "utf8"));
    expect(names).toEqual(expect.arrayContaining(["NODE_EXTRA_CA_CERTS"]));
    for (const service of ALL_SERVICES)
      expect({ service, unlisted: names.filter((n) => !listedFor(service).includes(n)) }).toEqual({
        service,
        unlisted: [],
      });
  });

  it("npm start sets only variables the table lists for each service", () => {
    for (const service of ALL_SERVICES) {
      const names = launcherVariables(service as ServiceName);
      expect({ service, unlisted: names.filter((n) => !listedFor(service).includes(n)) }).toEqual({
        service,
        unlisted: [],
      });
    }
  });
});

describe("the configuration check", () => {
  it("catches a misspelt variable and a missing required one, as each command requires them", () => {
    const objects = render(overlayDir("staging"));
    const config = objects.find(
      (o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("messaging-config"),
    )!;
    config.data.AUTH_GRPC_ULR = config.data.AUTH_GRPC_URL;
    delete config.data.AUTH_GRPC_URL;
    const migrate = find(objects, "Job", "notification-migrate").spec.template.spec.containers[0];
    migrate.env.find((e: { name: string }) => e.name === "DATABASE_URL").name = "DATABASE_URI";
    const provision = find(objects, "Job", "auth-migrate").spec.template.spec.initContainers[0];
    provision.env = provision.env.filter((e: { name: string }) => e.name !== "RABBITMQ_ADMIN_USER");
    expect(configurationProblems(environmentOf("staging", objects), documented)).toEqual([
      "Deployment/messaging: AUTH_GRPC_ULR is not in the README's table for messaging",
      "Deployment/messaging: required AUTH_GRPC_URL is not set",
      "Job/auth-migrate (provision): required RABBITMQ_ADMIN_USER is not set",
      "Job/messaging-migrate (provision): AUTH_GRPC_ULR is not in the README's table for messaging",
      "Job/messaging-migrate: AUTH_GRPC_ULR is not in the README's table for messaging",
      "Job/notification-migrate: DATABASE_URI is not in the README's table for notification",
      "Job/notification-migrate: required DATABASE_URL is not set",
    ]);
  });

  it("catches a variable the table lists for another service only", () => {
    const objects = render(overlayDir("dev"));
    find(objects, "Deployment", "gateway").spec.template.spec.containers[0].env.push({
      name: "DATABASE_SCHEMA",
      value: "x",
    });
    expect(configurationProblems(environmentOf("dev", objects), documented)).toEqual([
      "Deployment/gateway: DATABASE_SCHEMA is not in the README's table for gateway",
    ]);
  });
});
