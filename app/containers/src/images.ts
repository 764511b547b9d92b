// Builds the services' images from app/Dockerfile: the production image (its last stage) and the
// `dev` stage Tilt runs, for each service, and describes what was built.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { BaseImages } from "./base-images";
import type { Docker } from "./docker";

export const SERVICES = ["gateway", "auth", "messaging", "notification"] as const;
export type Service = (typeof SERVICES)[number];

/** The repository root, from `app/containers/dist` or `app/containers/src`. */
export const repositoryRoot = resolve(__dirname, "..", "..", "..");
export const DOCKERFILE = "app/Dockerfile";
/** Label on every image built here, so that their untagged predecessors can be pruned. */
const IMAGE_LABEL = "dev.parley.image";

/** The Node.js version the Dockerfile's default build image pins (`node:<version>-bookworm-slim`). */
export function pinnedNodeVersion(
  dockerfile = readFileSync(join(repositoryRoot, DOCKERFILE), "utf8"),
): string {
  const version = /^ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)-/m.exec(dockerfile)?.[1];
  if (!version) throw new Error(`${DOCKERFILE}: ARG NODE_IMAGE does not name node:<x.y.z>-...`);
  return version;
}

export type Stage = "production" | "dev";

export interface BuiltImage {
  service: Service;
  stage: Stage;
  reference: string;
  /** Bytes, as `docker image inspect` reports them (uncompressed). */
  size: number;
  baseSize: number;
  layers: number;
  buildSeconds: number;
  sbom: string;
}

export interface BuildOptions {
  docker: Docker;
  /** Stand-ins built on this machine, or the Dockerfile's own (pulled from their registries). */
  base: BaseImages | "upstream";
  tag: string;
  services?: readonly Service[];
  stages?: readonly Stage[];
  /** A CA file npm must trust inside the build (a TLS-inspecting proxy's), passed as a build secret. */
  npmCaFile?: string;
  /** Where the SBOMs go; `.local/images` by default. */
  outputDir?: string;
  log(line: string): void;
}

export const imageReference = (service: Service, stage: Stage, tag: string) =>
  `parley-${service}${stage === "dev" ? "-dev" : ""}:${tag}`;

async function inspect(docker: Docker, reference: string) {
  const [size, layers] = (
    await docker.run(["image", "inspect", "--format", "{{.Size}} {{len .RootFS.Layers}}", reference])
  )
    .trim()
    .split(" ")
    .map(Number);
  return { size: size!, layers: layers! };
}

/** The workspaces under app/ (the build context holds nothing else), from the root's globs. */
function appWorkspaces(): string[] {
  const { workspaces } = JSON.parse(readFileSync(join(repositoryRoot, "package.json"), "utf8")) as {
    workspaces: string[];
  };
  return workspaces
    .filter((pattern) => pattern.startsWith("app/"))
    .flatMap((pattern) =>
      pattern.endsWith("/*")
        ? readdirSync(join(repositoryRoot, pattern.slice(0, -2)), { withFileTypes: true })
            .filter((entry) => entry.isDirectory())
            .map((entry) => `${pattern.slice(0, -1)}${entry.name}`)
        : [pattern],
    );
}

/**
 * CycloneDX of exactly what the stage installs, described as that image: for production the
 * service's workspace without devDependencies (the image installs the same, see
 * workspace-closure.js), for dev every workspace under app/ and the root's tools.
 */
function writeSbom(service: Service, stage: Stage, reference: string, outputDir: string): string {
  const selection =
    stage === "production"
      ? ["--omit", "dev", "--workspace", `app/services/${service}`]
      : [...appWorkspaces().flatMap((workspace) => ["--workspace", workspace]), "--include-workspace-root"];
  const file = join(outputDir, `${reference.replace(":", "_")}.cdx.json`);
  const result = spawnSync(
    // cyclonedx-npm reads the installed tree through `npm ls`, so it sees what npm ci installed.
    join(repositoryRoot, "node_modules", ".bin", "cyclonedx-npm"),
    [...selection, "--output-format", "JSON", "--output-reproducible", "--output-file", file],
    { cwd: repositoryRoot, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0)
    throw new Error(`cyclonedx-npm for ${reference} failed:\n${result.stderr.slice(-4000)}`);
  const sbom = JSON.parse(readFileSync(file, "utf8")) as { metadata: { component: Record<string, unknown> } };
  const [name, version] = reference.split(":");
  sbom.metadata.component = { ...sbom.metadata.component, type: "container", name, version };
  writeFileSync(file, `${JSON.stringify(sbom, null, 2)}\n`);
  return file;
}

export async function buildImages(options: BuildOptions): Promise<BuiltImage[]> {
  const { docker, base, tag, log } = options;
  const outputDir = options.outputDir ?? join(repositoryRoot, ".local", "images");
  mkdirSync(outputDir, { recursive: true });
  const baseArgs =
    base === "upstream"
      ? []
      : ["--build-arg", `NODE_IMAGE=${base.build}`, "--build-arg", `RUNTIME_IMAGE=${base.runtime}`];
  const secretArgs = options.npmCaFile ? ["--secret", `id=npm-ca,src=${options.npmCaFile}`] : [];
  const built: BuiltImage[] = [];
  for (const stage of options.stages ?? (["production", "dev"] as const)) {
    for (const service of options.services ?? SERVICES) {
      const reference = imageReference(service, stage, tag);
      log(`building ${reference}`);
      const started = Date.now();
      await docker.run(
        [
          "build",
          "--file",
          DOCKERFILE,
          // npm reaches the registry from the build's own network; host networking needs no bridge.
          "--network",
          "host",
          "--build-arg",
          `SERVICE=${service}`,
          ...baseArgs,
          ...secretArgs,
          ...(stage === "dev" ? ["--target", "dev"] : []),
          "--label",
          `${IMAGE_LABEL}=${service}`,
          "--tag",
          reference,
          ".",
        ],
        { cwd: repositoryRoot },
      );
      const buildSeconds = (Date.now() - started) / 1000;
      const { size, layers } = await inspect(docker, reference);
      const baseImage = base === "upstream" ? undefined : stage === "production" ? base.runtime : base.build;
      const baseSize = baseImage ? (await inspect(docker, baseImage)).size : NaN;
      const sbom = writeSbom(service, stage, reference, outputDir);
      built.push({ service, stage, reference, size, baseSize, layers, buildSeconds, sbom });
    }
  }
  // A rebuilt tag leaves its previous image behind untagged; remove ours, nobody else's.
  await docker.run(["image", "prune", "--force", "--filter", `label=${IMAGE_LABEL}`]);
  return built;
}

const megabytes = (bytes: number) => (Number.isNaN(bytes) ? "–" : `${(bytes / 1e6).toFixed(0)} MB`);

/** A Markdown table of the images: size, size over the base, layers, build time. */
export function imageTable(images: BuiltImage[]): string {
  const rows = images.map(
    (i) =>
      `| ${i.reference} | ${megabytes(i.size)} | ${megabytes(i.size - i.baseSize)} | ${i.layers} | ${i.buildSeconds.toFixed(0)} s |`,
  );
  return [
    "| image | size | over its base | layers | build |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}
