// Static checks of the Tiltfiles: Tilt itself cannot run here (no Docker), so these make sure that
// what they name exists: files and folders, workloads of the local overlay, resources they wait for.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./render";

export const TILT_FILES = ["Tiltfile", "tilt/services.Tiltfile", "tilt/observability.Tiltfile"];

export const readRepoFile = (file: string) => readFileSync(path.join(repoRoot, file), "utf8");

const stringLiterals = (text: string) =>
  [...text.matchAll(/'([^'\n]*)'|"([^"\n]*)"/g)].map((m) => m[1] ?? m[2]!);

/** String literals that name a path of the repository and do not exist. */
export function missingPaths(text: string): string[] {
  const repoPath = /^(\.\/)?((gitops|app|tilt|proto)(\/[\w.-]*)*|package(-lock)?\.json|Tiltfile)$/;
  return stringLiterals(text).filter((s) => repoPath.test(s) && !existsSync(path.join(repoRoot, s)));
}

/** The list literal assigned to `name`, e.g. SERVICES = ['a', 'b']. */
export function listConstant(text: string, name: string): string[] {
  const match = new RegExp(`^${name} = \\[([^\\]]*)\\]`, "m").exec(text);
  if (!match) throw new Error(`no ${name} list`);
  return stringLiterals(match[1]!);
}

/** Resource names the Tiltfiles define: k8s_resource workloads and new_name, local_resource. */
export function definedResources(text: string): { workloads: string[]; others: string[] } {
  const workloads = [...text.matchAll(/k8s_resource\(\s*'([^']+)'/g)].map((m) => m[1]!);
  const computed = [...text.matchAll(/k8s_resource\(\s*(\w+) \+ '([^']+)'/g)].map((m) => `{${m[1]}}${m[2]}`);
  const others = [
    ...[...text.matchAll(/new_name='([^']+)'/g)].map((m) => m[1]!),
    ...[...text.matchAll(/local_resource\(\s*'([^']+)'/g)].map((m) => m[1]!),
  ];
  return { workloads: [...workloads, ...computed], others };
}

/** Names listed in resource_deps=[...] literals. */
export function dependencies(text: string): string[] {
  return [...text.matchAll(/resource_deps=\[([^\]]*)\]/g)].flatMap((m) => stringLiterals(m[1]!));
}

/** Object selectors ("name:kind") listed in objects=[...] literals. */
export function objectSelectors(text: string): string[] {
  return [...text.matchAll(/objects=\[([^\]]*)\]/g)].flatMap((m) => stringLiterals(m[1]!));
}

export interface LiveUpdate {
  /** Local path → container path. */
  syncs: { from: string; to: string }[];
  /** Commands run in the container after every sync (those without a trigger); `{name}` is the service. */
  runs: string[];
  /** The gateway's extra step: the web client's build, run when a file under `trigger` changes. */
  webBuild: { command: string; trigger: string[] } | undefined;
}

/** The live_update steps of the services' docker_build: what Tilt does when a file changes. */
export function liveUpdateSteps(text: string): LiveUpdate {
  const block = /live_update=\[([\s\S]*?)\n\s*\](?: \+ web_build)?,/.exec(text)?.[1];
  if (!block) throw new Error("no live_update list");
  const web = /web_build = \[run\('([^']+)', trigger=\[([^\]]*)\]\)\] if name == 'gateway' else \[\]/.exec(
    text,
  );
  return {
    webBuild: web ? { command: web[1]!, trigger: stringLiterals(web[2]!) } : undefined,
    syncs: [...block.matchAll(/sync\('([^']+)', '([^']+)'\)/g)].map((m) => ({ from: m[1]!, to: m[2]! })),
    runs: [...block.matchAll(/run\('([^']+)'(?:\s*\+\s*(\w+))?\s*\)/g)].map(
      (m) => `${m[1]!}${m[2] ? `{${m[2]}}` : ""}`,
    ),
  };
}
