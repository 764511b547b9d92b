// The services' environment as the manifests set it, checked against the README's "Configuration"
// table, which is the contract between the services and everything that starts them.
import type { DocumentedVariable } from "@parley/test-support";
import { type K8sObject } from "./render";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface WorkloadEnvironment {
  /** `Deployment/auth`, `Job/auth-migrate`. */
  workload: string;
  service: string;
  names: string[];
}

/** The variables each Parley Deployment's and Job's first container gets. */
export function environments(
  objects: K8sObject[],
  secretKeys: Record<string, string[]>,
): WorkloadEnvironment[] {
  return objects
    .filter(
      (o) =>
        ["Deployment", "Job"].includes(o.kind) &&
        o.metadata.labels?.["app.kubernetes.io/part-of"] === "parley",
    )
    .map((workload) => {
      const container = workload.spec.template.spec.containers[0];
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
      return {
        workload: `${workload.kind}/${workload.metadata.name}`,
        service: workload.spec.template.metadata.labels["app.kubernetes.io/name"],
        names: [...new Set(names)],
      };
    });
}

/** Keys of the Secrets the render's ExternalSecrets produce (their template's, or the remote keys'). */
export function externalSecretKeys(objects: K8sObject[]): Record<string, string[]> {
  return Object.fromEntries(
    objects
      .filter((o) => o.kind === "ExternalSecret" && o.spec.target?.template?.data)
      .map((o) => [o.spec.target.name ?? o.metadata.name, Object.keys(o.spec.target.template.data)]),
  );
}

/** Variables set that the table does not list for the service, and required ones not set. */
export function configurationProblems(
  environments: WorkloadEnvironment[],
  documented: DocumentedVariable[],
): string[] {
  const problems: string[] = [];
  for (const { workload, service, names } of environments) {
    const listed = documented.filter((v) => v.services.includes(service));
    for (const name of names) {
      if (!listed.some((v) => v.name === name))
        problems.push(`${workload}: ${name} is not in the README's table for ${service}`);
    }
    for (const v of listed.filter((v) => v.required)) {
      if (!names.includes(v.name)) problems.push(`${workload}: required ${v.name} is not set`);
    }
  }
  return problems;
}
