import { readFileSync } from "node:fs";
import path from "node:path";
import {
  configurationProblems,
  documentedVariables,
  environments,
  externalSecretKeys,
} from "./test-support/configuration";
import { ENVIRONMENTS, find, overlayDir, render, repoRoot } from "./test-support/render";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildSecrets } = require("../components/in-cluster-data/local-secrets.js") as {
  buildSecrets: () => { name: string; data: Record<string, string> }[];
};

const documented = documentedVariables(readFileSync(path.join(repoRoot, "README.md"), "utf8"));

// Set by the manifests only to build OTEL_RESOURCE_ATTRIBUTES from the pod's facts.
const HELPERS = ["DEPLOYMENT_ENVIRONMENT", "K8S_NAMESPACE", "K8S_POD_NAME"];
const CONTRACT = Object.fromEntries(
  ["gateway", "auth", "messaging", "notification"].map((service) => [service, HELPERS]),
);

const localSecretKeys = Object.fromEntries(buildSecrets().map((s) => [s.name, Object.keys(s.data)]));
const environmentOf = (environment: string, objects = render(overlayDir(environment))) =>
  environments(objects, environment === "local" ? localSecretKeys : externalSecretKeys(objects));

describe("the README's Configuration table", () => {
  it("is found, with its required variables", () => {
    expect(documented.filter((v) => v.required).map((v) => v.name)).toEqual(
      expect.arrayContaining(["DATABASE_URL", "AUTH_GRPC_URL", "AUTH_SIGNING_KEYS_DIR"]),
    );
  });
});

describe.each(ENVIRONMENTS)("the services' environment in the %s overlay", (environment) => {
  it("sets every required variable and only variables of each service's contract", () => {
    expect(configurationProblems(environmentOf(environment), documented, CONTRACT)).toEqual([]);
  });
});

describe("the configuration check", () => {
  it("catches a misspelt variable and a missing required one", () => {
    const objects = render(overlayDir("staging"));
    const config = objects.find(
      (o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("messaging-config"),
    )!;
    config.data.AUTH_GRPC_ULR = config.data.AUTH_GRPC_URL;
    delete config.data.AUTH_GRPC_URL;
    find(objects, "ExternalSecret", "parley-database").spec.target.template.data = { DATABASE_URI: "x" };
    expect(configurationProblems(environmentOf("staging", objects), documented, CONTRACT)).toEqual([
      "auth: DATABASE_URI is not in its contract",
      "auth: required DATABASE_URL is not set",
      "messaging: AUTH_GRPC_ULR is not in its contract",
      "messaging: DATABASE_URI is not in its contract",
      "messaging: required DATABASE_URL is not set",
      "messaging: required AUTH_GRPC_URL is not set",
      "notification: DATABASE_URI is not in its contract",
      "notification: required DATABASE_URL is not set",
    ]);
  });
});
