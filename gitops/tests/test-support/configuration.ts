// The services' environment as the manifests set it, checked against the README's "Configuration"
// table, which is the contract between the services and their deployment.
import { type K8sObject } from "./render";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface Variable {
  name: string;
  services: string[];
  required: boolean;
}

const ALL_SERVICES = ["gateway", "auth", "messaging", "notification"];

/** The rows of the README's Configuration table. */
export function documentedVariables(readme: string): Variable[] {
  const section = readme.slice(readme.indexOf("## Configuration"));
  const end = section.indexOf("\n## ", 3);
  return (end === -1 ? section : section.slice(0, end))
    .split("\n")
    .filter((line) => /^\| `/.test(line))
    .flatMap((line) => {
      const [names, services, defaultValue] = line
        .split("|")
        .slice(1)
        .map((cell) => cell.trim());
      const list = services === "all" ? ALL_SERVICES : services!.split(",").map((s) => s.trim());
      return [...names!.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => ({
        name: m[1]!,
        services: list,
        required: defaultValue === "required",
      }));
    });
}

/** Names of the environment variables each Deployment's first container gets, by app name. */
export function environments(
  objects: K8sObject[],
  secretKeys: Record<string, string[]>,
): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const d of objects.filter((o) => o.kind === "Deployment")) {
    const container = d.spec.template.spec.containers[0];
    const names = [
      ...(container.envFrom ?? []).flatMap((from: Json) => {
        if (from.secretRef)
          return secretKeys[from.secretRef.name] ?? [`<keys of Secret ${from.secretRef.name}>`];
        const configMap = objects.find(
          (o) => o.kind === "ConfigMap" && o.metadata.name === from.configMapRef.name,
        );
        return Object.keys(configMap?.data ?? {});
      }),
      ...(container.env ?? []).map((e: Json) => e.name as string),
    ];
    result.set(d.spec.template.metadata.labels["app.kubernetes.io/name"], names);
  }
  return result;
}

/** Keys of the Secrets the render's ExternalSecrets produce (their template's, or the remote keys'). */
export function externalSecretKeys(objects: K8sObject[]): Record<string, string[]> {
  return Object.fromEntries(
    objects
      .filter((o) => o.kind === "ExternalSecret" && o.spec.target?.template?.data)
      .map((o) => [o.spec.target.name ?? o.metadata.name, Object.keys(o.spec.target.template.data)]),
  );
}

export function configurationProblems(
  environment: Map<string, string[]>,
  documented: Variable[],
  /** Variables of the service contract that the README table does not list (yet). */
  alsoAllowed: Record<string, string[]>,
): string[] {
  const problems: string[] = [];
  for (const [service, names] of environment) {
    const allowed = new Set([
      ...documented.filter((v) => v.services.includes(service)).map((v) => v.name),
      ...(alsoAllowed[service] ?? []),
    ]);
    for (const name of names) {
      if (!allowed.has(name) && !name.startsWith("OTEL_"))
        problems.push(`${service}: ${name} is not in its contract`);
    }
    for (const v of documented.filter((v) => v.required && v.services.includes(service))) {
      if (!names.includes(v.name)) problems.push(`${service}: required ${v.name} is not set`);
    }
  }
  return problems;
}
