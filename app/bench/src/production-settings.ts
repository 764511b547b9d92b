import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ServiceName } from "@parley/launcher";
import { configurationTable } from "@parley/test-support";
import { parseAllDocuments } from "yaml";

export const SERVICES: readonly ServiceName[] = ["auth", "messaging", "notification", "gateway"];

/** The rendered environment the production manifests describe. */
export const PRODUCTION_OVERLAY = "gitops/overlays/production";

/**
 * The share of the container's memory limit given to V8's old space when the manifests set no
 * heap flag: Node.js's documentation suggests 1536 of 2048 MiB, leaving the rest to the young
 * generation, code, buffers and native memory.
 */
export const HEAP_SHARE_OF_LIMIT = 0.75;

/** The stream heartbeats the platform runs with (the test platform's default is 2 s; pods keep 15 s). */
const HEARTBEAT_VARIABLES = { gateway: "SSE_HEARTBEAT_SECONDS", notification: "STREAM_HEARTBEAT_SECONDS" };

// The manifests are read field by field; only what is used here is typed.
interface Container {
  name: string;
  args?: string[];
  command?: string[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string } }[];
  resources?: { limits?: { memory?: string | number } };
}
export interface ManifestObject {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: { template?: { spec?: { containers?: Container[] } } };
}

export interface HeapSetting {
  memoryLimitMiB: number;
  /** The node option the service runs with, e.g. `--max-old-space-size=192`. */
  flag: string;
  /** Where the flag came from: the manifest's NODE_OPTIONS or args, or derived from the limit. */
  source: "manifest NODE_OPTIONS" | "manifest args" | "derived from the memory limit";
}

export interface ProductionSettings {
  /** What the manifests were read from. */
  source: string;
  heap: Record<ServiceName, HeapSetting>;
  /** What each service gets on top of the launcher's environment. */
  serviceEnv: Record<ServiceName, Record<string, string>>;
  /** The notification streams' heartbeat: renewals and catch-up reads happen once per interval. */
  heartbeatSeconds: number;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A Kubernetes memory quantity (`256Mi`, `1Gi`, `500M`, `268435456`) in MiB. */
export function memoryMiB(quantity: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(quantity).trim());
  if (!match) throw new Error(`not a memory quantity: ${JSON.stringify(quantity)}`);
  const unit = match[2];
  const bytes = Number(match[1]) * (unit ? (BINARY[unit] ?? DECIMAL[unit]!) : 1);
  return bytes / 2 ** 20;
}

const HEAP_FLAG = /--max-old-space-size=(\d+)/;

/** The variables a container gets from its ConfigMaps and literal `env` entries (later ones win). */
export function containerEnvironment(
  container: Container,
  objects: ManifestObject[],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    const configMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === name);
    Object.assign(env, configMap?.data ?? {});
  }
  for (const variable of container.env ?? [])
    if (variable.value !== undefined) env[variable.name] = variable.value;
  return env;
}

/** The heap flag a container runs with: the manifest's own, or 75% of its memory limit. */
export function heapSettingOf(container: Container, env: Record<string, string>): HeapSetting {
  const limit = container.resources?.limits?.memory;
  if (limit === undefined) throw new Error(`container ${container.name} has no memory limit`);
  const memoryLimitMiB = memoryMiB(limit);
  const fromOptions = HEAP_FLAG.exec(env.NODE_OPTIONS ?? "");
  if (fromOptions) return { memoryLimitMiB, flag: fromOptions[0], source: "manifest NODE_OPTIONS" };
  const fromArgs = [...(container.command ?? []), ...(container.args ?? [])]
    .map((arg) => HEAP_FLAG.exec(arg))
    .find(Boolean);
  if (fromArgs) return { memoryLimitMiB, flag: fromArgs[0], source: "manifest args" };
  return {
    memoryLimitMiB,
    flag: `--max-old-space-size=${Math.floor(memoryLimitMiB * HEAP_SHARE_OF_LIMIT)}`,
    source: "derived from the memory limit",
  };
}

/**
 * How the pods run each service, from the manifests' Deployments: the heap flag (passed as
 * NODE_OPTIONS, the one per-service channel the launcher has; the manifests' own NODE_OPTIONS as
 * they are) and the stream heartbeats (the manifests' values, else the documented defaults).
 */
export function productionSettingsOf(
  objects: ManifestObject[],
  source: string,
  documentedDefault: (variable: string) => string,
): ProductionSettings {
  const heap = {} as ProductionSettings["heap"];
  const serviceEnv = {} as ProductionSettings["serviceEnv"];
  for (const service of SERVICES) {
    const container = objects
      .find((o) => o.kind === "Deployment" && o.metadata.name === service)
      ?.spec?.template?.spec?.containers?.find((c) => c.name === service);
    if (!container) throw new Error(`${source} has no Deployment ${service} with a container ${service}`);
    const env = containerEnvironment(container, objects);
    heap[service] = heapSettingOf(container, env);
    serviceEnv[service] = { NODE_OPTIONS: env.NODE_OPTIONS ?? heap[service].flag };
    if (service === "gateway" || service === "notification") {
      const variable = HEARTBEAT_VARIABLES[service];
      serviceEnv[service][variable] = env[variable] ?? documentedDefault(variable);
    }
  }
  const heartbeatSeconds = Number(serviceEnv.notification[HEARTBEAT_VARIABLES.notification]);
  return { source, heap, serviceEnv, heartbeatSeconds };
}

const parseYamlStream = (text: string): ManifestObject[] =>
  parseAllDocuments(text)
    .map((document) => document.toJS() as ManifestObject | null)
    .filter((object): object is ManifestObject => object !== null);

/**
 * The production overlay rendered with `kubectl kustomize`; without kubectl, the base
 * Deployments as written (their ConfigMaps are generated, so documented defaults stand in).
 */
export function readProductionSettings(repositoryRoot: string): ProductionSettings {
  let objects: ManifestObject[];
  let source: string;
  try {
    objects = parseYamlStream(
      execFileSync("kubectl", ["kustomize", join(repositoryRoot, PRODUCTION_OVERLAY)], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    source = `${PRODUCTION_OVERLAY} (kubectl kustomize)`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    objects = SERVICES.flatMap((service) =>
      parseYamlStream(readFileSync(join(repositoryRoot, "gitops/base", service, `${service}.yaml`), "utf8")),
    );
    source = "gitops/base/<service>/<service>.yaml (no kubectl to render the overlay)";
  }
  const table = configurationTable();
  return productionSettingsOf(objects, source, (variable) => {
    const documented = table.find((v) => v.name === variable);
    if (!documented) throw new Error(`${variable} is not in the README's configuration table`);
    return documented.defaultValue;
  });
}
