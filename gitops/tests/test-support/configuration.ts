// The services' environment as the manifests set it, checked against the README's "Configuration"
// table, which is the contract between the services and everything that starts them.
import type { DocumentedVariable } from "@parley/test-support";
import { type K8sObject } from "./render";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface WorkloadEnvironment {
  /** `Deployment/auth`, `Job/auth-migrate`, and `Job/auth-migrate (provision)` for an init container. */
  workload: string;
  service: string;
  /** What the container runs: the service, or its `migrate` or `provision` command. */
  command: "serve" | "migrate" | "provision";
  names: string[];
}

/**
 * The variables each command needs set, where the table's "required" (which is about serving) does
 * not say: `migrate` connects as the migration role only; `provision` is the contract of the
 * issue that introduced it (the administrators, the three identities it creates, the namespace that
 * scopes the broker user's permissions).
 */
export const COMMAND_REQUIRES: Record<"migrate" | "provision", string[]> = {
  migrate: ["DATABASE_URL"],
  provision: [
    "DATABASE_ADMIN_URL",
    "DATABASE_URL",
    "DATABASE_MIGRATOR_URL",
    "RABBITMQ_MANAGEMENT_URL",
    "RABBITMQ_ADMIN_USER",
    "AMQP_URL",
    "AMQP_NAMESPACE",
  ],
};

const commandOf = (container: Json): WorkloadEnvironment["command"] => {
  const args: string[] = container.args ?? [];
  return args.includes("provision") ? "provision" : args.includes("migrate") ? "migrate" : "serve";
};

/** The variables each container (init containers too) of each Parley Deployment and Job gets. */
export function environments(
  objects: K8sObject[],
  secretKeys: Record<string, string[]>,
): WorkloadEnvironment[] {
  return objects
    .filter(
      (o) =>
        ["Deployment", "Job"].includes(o.kind) &&
        o.metadata.labels?.["app.kubernetes.io/part-of"] === "parley" &&
        // The exporters beside the services (postgres-exporter) are configured by their own
        // upstream variables, not the services' table.
        o.metadata.labels?.["app.kubernetes.io/component"] !== "monitoring",
    )
    .flatMap((workload) => {
      const pod = workload.spec.template.spec;
      const containers: { container: Json; init: boolean }[] = [
        ...(pod.initContainers ?? []).map((container: Json) => ({ container, init: true })),
        { container: pod.containers[0], init: false },
      ];
      return containers.map(({ container, init }) => {
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
        const id = `${workload.kind}/${workload.metadata.name}`;
        return {
          workload: init ? `${id} (${container.name})` : id,
          service: workload.spec.template.metadata.labels["app.kubernetes.io/name"],
          command: commandOf(container),
          names: [...new Set(names)],
        };
      });
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

/**
 * Variables set that the table does not list for the service, and required ones not set: for the
 * service itself the table's required ones (less those of the provision command), for `migrate` and
 * `provision` their own (COMMAND_REQUIRES, and the table's required provision-command rows).
 */
export function configurationProblems(
  environments: WorkloadEnvironment[],
  documented: DocumentedVariable[],
): string[] {
  const problems: string[] = [];
  // The rows marked "(provision command)": what only `provision` reads, and requires.
  const provisionOnly = (v: DocumentedVariable) => (v.readBy as string) === "provision";
  for (const { workload, service, command, names } of environments) {
    const listed = documented.filter((v) => v.services.includes(service));
    for (const name of names) {
      if (!listed.some((v) => v.name === name))
        problems.push(`${workload}: ${name} is not in the README's table for ${service}`);
    }
    const required =
      command === "serve"
        ? listed.filter((v) => v.required && !provisionOnly(v)).map((v) => v.name)
        : command === "provision"
          ? [
              ...new Set([
                ...COMMAND_REQUIRES.provision,
                ...listed.filter((v) => v.required && provisionOnly(v)).map((v) => v.name),
              ]),
            ]
          : COMMAND_REQUIRES[command];
    for (const name of required) {
      if (!names.includes(name)) problems.push(`${workload}: required ${name} is not set`);
    }
  }
  return problems;
}
