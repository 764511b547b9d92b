// The images built for real and run as the local overlay's pods would run them, on the machine's
// PostgreSQL and RabbitMQ. The steps depend on each other and run in order: images, migrations,
// services, the README walkthrough, telemetry, Tilt's live update, shutdown, then broken manifests.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type BuiltImage,
  type Docker,
  SERVICES,
  buildImages,
  docker as dockerCli,
  ensureLocalBaseImages,
  imageReference,
  imageTable,
  pinnedNodeVersion,
} from "@parley/containers";
import { runReadmeWalkthrough, walkthroughNotifications } from "@parley/test-support";
import { find, repoRoot } from "../test-support/render";
import { liveUpdateSteps, readRepoFile } from "../test-support/tilt";
import { type RunningContainer, untilReady } from "./pod-runner";
import { type StandInCluster, startStandInCluster } from "./stand-in-cluster";

// A tag of this run's own, so that two runs on one machine never replace each other's images.
const TAG = `suite-${randomBytes(4).toString("hex")}`;
const log = (line: string) => process.stdout.write(`${line}\n`);

const sboms = mkdtempSync(path.join(tmpdir(), "parley-sboms-"));
let docker: Docker;
let built: BuiltImage[];
let cluster: StandInCluster;
const running = new Map<string, RunningContainer>();

beforeAll(async () => {
  docker = dockerCli();
  const base = await ensureLocalBaseImages({ docker, nodeVersion: pinnedNodeVersion(), log });
  const common = {
    docker,
    base,
    tag: TAG,
    npmCaFile: process.env.NODE_EXTRA_CA_CERTS,
    outputDir: sboms,
    log: () => {},
  };
  built = [
    ...(await buildImages({ ...common, stages: ["production"] })),
    ...(await buildImages({ ...common, services: ["gateway"], stages: ["dev"] })),
  ];
  log(`\n${imageTable(built)}\n`);
  const images = Object.fromEntries(
    SERVICES.map((s) => [`parley-${s}`, imageReference(s, "production", TAG)]),
  );
  cluster = await startStandInCluster(docker, images);
}, 30 * 60_000);

afterAll(async () => {
  await cluster?.teardown();
  // The layers stay in the build cache, so the next run builds in seconds.
  if (built?.length) await docker.run(["image", "rm", ...built.map((image) => image.reference)]);
  rmSync(sboms, { recursive: true, force: true });
}, 120_000);

const gatewayUrl = () => `http://127.0.0.1:${running.get("Deployment/gateway")!.plan.ports.get("http")}`;

/**
 * Every package under /app/node_modules of an image: its lockfile path
 * (`node_modules/a/node_modules/b`) and the name in its package.json (an alias's folder differs).
 */
async function installedPackages(image: string): Promise<{ path: string; name: string }[]> {
  const script = `const fs = require("fs"), p = require("path"); const out = [];
    const walk = (dir, prefix) => { for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith(".") || !(e.isDirectory() || e.isSymbolicLink())) continue;
      if (e.name.startsWith("@")) { walk(p.join(dir, e.name), prefix + e.name + "/"); continue; }
      const folder = p.join(dir, e.name);
      out.push({ path: prefix + e.name, name: JSON.parse(fs.readFileSync(p.join(folder, "package.json"), "utf8")).name });
      if (fs.existsSync(p.join(folder, "node_modules"))) walk(p.join(folder, "node_modules"), prefix + e.name + "/node_modules/"); } };
    walk("/app/node_modules", "node_modules/"); process.stdout.write(JSON.stringify(out));`;
  return JSON.parse(await docker.run(["run", "--rm", "--network", "none", image, "-e", script])) as {
    path: string;
    name: string;
  }[];
}

interface Component {
  group?: string;
  name: string;
  components?: Component[];
}
const componentNames = (components: Component[] = []): string[] =>
  components.flatMap((c) => [c.group ? `${c.group}/${c.name}` : c.name, ...componentNames(c.components)]);

describe("the production images", () => {
  it("hold no package the lockfile marks as a devDependency", async () => {
    const lock = JSON.parse(readFileSync(path.join(repoRoot, "package-lock.json"), "utf8")) as {
      packages: Record<string, { dev?: boolean }>;
    };
    for (const service of SERVICES) {
      const image = imageReference(service, "production", TAG);
      const installed = (await installedPackages(image)).map((p) => p.path);
      expect(installed).toEqual(
        expect.arrayContaining(["node_modules/pino", `node_modules/@parley/${service}`]),
      );
      const devOnly = installed.filter(
        (p) => lock.packages[p] === undefined || lock.packages[p]!.dev === true,
      );
      expect({ image, devOnly }).toEqual({ image, devOnly: [] });
    }
  });

  it("have no shell, run as uid 65532 and trust the Amazon RDS authorities", async () => {
    for (const service of SERVICES) {
      const image = imageReference(service, "production", TAG);
      expect((await docker.run(["image", "inspect", "--format", "{{.Config.User}}", image])).trim()).toBe(
        "65532:65532",
      );
      await expect(
        docker.run(["run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", image, "-c", "true"]),
      ).rejects.toThrow();
      const bundle = await docker.run([
        "run",
        "--rm",
        "--network",
        "none",
        image,
        "-e",
        `const { X509Certificate } = require("crypto"); const pem = require("fs").readFileSync(process.env.NODE_EXTRA_CA_CERTS, "utf8");
         const certs = pem.split(/(?=-----BEGIN CERTIFICATE-----)/).map((c) => new X509Certificate(c));
         process.stdout.write(JSON.stringify(certs.filter((c) => new Date(c.validTo) > new Date()).map((c) => c.subject)));`,
      ]);
      expect(JSON.parse(bundle)).toEqual(
        expect.arrayContaining([expect.stringMatching(/Amazon RDS .*Root CA RSA2048 G1/)]),
      );
    }
  });

  it("were all built, each with a CycloneDX SBOM that lists exactly the packages it holds", async () => {
    expect(built.map((b) => b.reference).sort()).toEqual(
      [
        ...SERVICES.map((s) => imageReference(s, "production", TAG)),
        imageReference("gateway", "dev", TAG),
      ].sort(),
    );
    for (const image of built) {
      const sbom = JSON.parse(readFileSync(image.sbom, "utf8")) as {
        bomFormat: string;
        metadata: { component: { name: string } };
        components: Component[];
      };
      expect(sbom.bomFormat).toBe("CycloneDX");
      expect(sbom.metadata.component.name).toBe(image.reference.split(":")[0]);
      const listed = new Set(componentNames(sbom.components));
      const installed = new Set((await installedPackages(image.reference)).map((p) => p.name));
      expect({
        image: image.reference,
        notListed: [...installed].filter((name) => !listed.has(name)),
        notInstalled: [...listed].filter((name) => !installed.has(name)),
      }).toEqual({ image: image.reference, notListed: [], notInstalled: [] });
    }
  });
});

describe("the local overlay, run as its pods would run", () => {
  it("runs each migration Job, its provision step then its migration, to completion within its deadline", async () => {
    expect(cluster.migrations.map((j) => j.metadata.name).sort()).toEqual([
      "auth-migrate",
      "messaging-migrate",
      "notification-migrate",
    ]);
    await Promise.all(
      cluster.migrations.map(async (job) => {
        const plans = await cluster.plans(job);
        expect(plans.map((p) => p.container)).toEqual(["provision", "migrate"]);
        const deadline = Date.now() + (plans[0]!.activeDeadlineSeconds ?? 600) * 1000;
        // As the kubelet does: each init container to completion, in order, then the container.
        for (const plan of plans) {
          const container = await cluster.start(plan);
          const exitCode = await container.exitWithin(Math.max(0, (deadline - Date.now()) / 1000));
          expect({
            job: job.metadata.name,
            container: plan.container,
            exitCode,
            logs: exitCode === 0 ? "" : await container.logs(),
          }).toEqual({ job: job.metadata.name, container: plan.container, exitCode: 0, logs: "" });
        }
      }),
    );
  }, 240_000);

  it("makes each Deployment ready by its manifest's own probes", async () => {
    // In Tilt's order: each service after the ones it calls.
    for (const name of ["auth", "messaging", "notification", "gateway"]) {
      const container = await cluster.start(
        await cluster.plan(find(cluster.deployments, "Deployment", name)),
      );
      running.set(`Deployment/${name}`, container);
      await untilReady(docker, container);
    }
    expect([...running.keys()].sort()).toEqual(
      cluster.deployments.map((d) => `Deployment/${d.metadata.name}`).sort(),
    );
  }, 300_000);

  it("passes the README's Try it walkthrough through the containerised gateway, which serves the API reference and the web client", async () => {
    const output = await runReadmeWalkthrough(gatewayUrl());
    expect(output).toContain('"body":"Hi Bob 👋"');
    for (const pattern of walkthroughNotifications) expect(output).toMatch(pattern);
    // The API reference's bundle is part of the image (copied into dist at build time).
    const reference = await fetch(`${gatewayUrl()}/docs/redoc.standalone.js`);
    expect([reference.status, reference.headers.get("content-type")]).toEqual([
      200,
      expect.stringContaining("javascript"),
    ]);
    await reference.body?.cancel();
    // So is the web client's build, served at /.
    const home = await fetch(`${gatewayUrl()}/`);
    expect([home.status, home.headers.get("content-security-policy")]).toEqual([
      200,
      expect.stringContaining("script-src 'self'"),
    ]);
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(await home.text())?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${gatewayUrl()}${script}`)).status).toBe(200);
  }, 60_000);

  it("exports every service's spans to the collector address the manifests give", async () => {
    for (let i = 0; i < 100 && cluster.collector.traceExporters().length < SERVICES.length; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(cluster.collector.traceExporters()).toEqual([...SERVICES].sort());
  });

  it("serves a synced source change in the dev image after Tilt's live-update command", async () => {
    const { syncs, runs } = liveUpdateSteps(readRepoFile("tilt/services.Tiltfile"));
    const appSync = syncs.find((s) => s.from === "app")!;
    expect(runs).toEqual(["cd /app && npx tsc -b app/services/{name}"]);

    // As tilt/services.Tiltfile does for every service: live update needs a writable root and room
    // for the compiler.
    const memoryLimit = /^DEV_MEMORY_LIMIT = '([^']+)'$/m.exec(readRepoFile("tilt/services.Tiltfile"))?.[1];
    expect(memoryLimit).toBeDefined();
    const objects = structuredClone(cluster.objects);
    const deployment = find(objects, "Deployment", "gateway");
    const spec = deployment.spec.template.spec.containers[0];
    spec.securityContext.readOnlyRootFilesystem = false;
    spec.resources.limits.memory = memoryLimit;
    const plan = await cluster.plan(deployment, { objects, ownPorts: true });
    plan.image = imageReference("gateway", "dev", TAG);
    const container = await cluster.start(plan);
    await untilReady(docker, container);
    const title = async () =>
      (
        (await (await fetch(`http://127.0.0.1:${plan.ports.get("http")}/openapi.json`)).json()) as {
          info: { title: string };
        }
      ).info.title;
    expect(await title()).toBe("Parley API");

    const source = "app/services/gateway/src/entry-points/http/openapi.ts";
    const changed = readFileSync(path.join(repoRoot, source), "utf8").replace(
      'title: "Parley API"',
      'title: "Parley API (live)"',
    );
    const file = path.join(tmpdir(), `openapi-${process.pid}.ts`);
    writeFileSync(file, changed);
    await docker.run(["cp", file, `${container.id}:${appSync.to}/${path.relative("app", source)}`]);
    for (const command of runs)
      await docker.run(["exec", container.id, "sh", "-c", command.replace("{name}", "gateway")]);

    let seen = "";
    for (let i = 0; i < 120 && seen !== "Parley API (live)"; i += 1) {
      seen = await title().catch(() => "");
      if (seen !== "Parley API (live)") await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(seen).toBe("Parley API (live)");

    // A change under app/web: the gateway's extra step rebuilds the web client in the pod, and the
    // next page load gets it (no restart: the gateway serves the build from disk).
    const { webBuild } = liveUpdateSteps(readRepoFile("tilt/services.Tiltfile"));
    const page = "app/web/index.html";
    const retitled = readFileSync(path.join(repoRoot, page), "utf8").replace(
      /<title>([^<]*)<\/title>/,
      "<title>$1 (live)</title>",
    );
    const pageFile = path.join(tmpdir(), `index-${process.pid}.html`);
    writeFileSync(pageFile, retitled);
    await docker.run(["cp", pageFile, `${container.id}:${appSync.to}/${path.relative("app", page)}`]);
    await docker.run(["exec", container.id, "sh", "-c", webBuild!.command]);
    const home = await (await fetch(`http://127.0.0.1:${plan.ports.get("http")}/`)).text();
    expect(home).toMatch(/<title>[^<]* \(live\)<\/title>/);
    expect((await container.terminate()).exitCode).toBe(0);
  }, 300_000);

  it("stops each container on SIGTERM within its grace period, with exit code 0", async () => {
    // All at once, as deleting the pods would: each runs its preStop, then gets SIGTERM.
    const results = await Promise.all(
      [...running].map(async ([workload, container]) => {
        const { exitCode, seconds } = await container.terminate();
        return { workload, exitCode, inTime: seconds <= container.plan.terminationGracePeriodSeconds };
      }),
    );
    expect(results).toEqual([...running.keys()].map((workload) => ({ workload, exitCode: 0, inTime: true })));
  }, 120_000);
});

describe("the pod contract, when a manifest is broken", () => {
  it("stops at a variable the manifests forget, with the service's message naming it", async () => {
    const objects = structuredClone(cluster.objects);
    const config = objects.find(
      (o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("gateway-config"),
    )!;
    delete config.data.AUTH_GRPC_URL;
    const container = await cluster.start(
      await cluster.plan(find(objects, "Deployment", "gateway"), { objects }),
    );
    await expect(untilReady(docker, container)).rejects.toThrow(/exited with code 78[\s\S]*AUTH_GRPC_URL/);
  }, 60_000);

  it("refuses a path the image or its mounts lack, naming the variable or argument", async () => {
    const objects = structuredClone(cluster.objects);
    const auth = find(objects, "Deployment", "auth").spec.template.spec.containers[0];
    auth.env.find((e: { name: string }) => e.name === "AUTH_SIGNING_KEYS_DIR").value =
      "/var/run/secrets/parley/keys";
    find(objects, "Job", "auth-migrate").spec.template.spec.containers[0].args = ["dist/migrate.js"];
    await expect(
      cluster.start(await cluster.plan(find(objects, "Deployment", "auth"), { objects })),
    ).rejects.toThrow(
      "Deployment/auth: AUTH_SIGNING_KEYS_DIR=/var/run/secrets/parley/keys is missing or unreadable",
    );
    await expect(
      cluster.start(await cluster.plan(find(objects, "Job", "auth-migrate"), { objects })),
    ).rejects.toThrow(
      "Job/auth-migrate: argument dist/migrate.js is missing or unreadable in /app/app/services/auth",
    );
  }, 60_000);
});
