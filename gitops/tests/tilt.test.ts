import { existsSync } from "node:fs";
import path from "node:path";
import { parseYamlStream, render, repoRoot } from "./test-support/render";
import {
  TILT_FILES,
  definedResources,
  dependencies,
  listConstant,
  liveUpdateSteps,
  missingPaths,
  objectSelectors,
  readRepoFile,
} from "./test-support/tilt";

const all = TILT_FILES.map(readRepoFile).join("\n");
const services = readRepoFile("tilt/services.Tiltfile");
const observability = readRepoFile("tilt/observability.Tiltfile");
const local = () => render("gitops/overlays/local");

describe("the Tiltfile and tilt/", () => {
  it("exist and load each other", () => {
    for (const file of TILT_FILES) expect(existsSync(path.join(repoRoot, file))).toBe(true);
    expect(readRepoFile("Tiltfile")).toContain("load('./tilt/services.Tiltfile'");
    expect(readRepoFile("Tiltfile")).toContain("load('./tilt/observability.Tiltfile'");
  });

  it("name only paths that exist", () => {
    expect(missingPaths(all)).toEqual([]);
    expect(missingPaths(readRepoFile("tilt/kind-cluster.yaml"))).toEqual([]);
  });

  it("build an image for every service the local overlay runs", () => {
    const images = local()
      .filter(
        (o) =>
          o.kind === "Deployment" &&
          o.metadata.labels?.["app.kubernetes.io/part-of"] === "parley" &&
          // The exporters beside the services run upstream images.
          o.metadata.labels?.["app.kubernetes.io/component"] !== "monitoring",
      )
      .map((o) => o.spec.template.spec.containers[0].image as string);
    expect(
      listConstant(services, "SERVICES")
        .map((s) => `parley-${s}`)
        .sort(),
    ).toEqual(images.sort());
    expect(services).toMatch(/docker_build\(\s*'parley-' \+ name,/);
  });

  it("configure workloads that the local overlay has, and wait only for resources that exist", () => {
    const workloadNames = local()
      .filter((o) => ["Deployment", "StatefulSet", "Job"].includes(o.kind))
      .map((o) => o.metadata.name);
    const { workloads, others } = definedResources(all);
    const owners = listConstant(services, "OWN_TABLES");
    const expanded = workloads.flatMap((w) =>
      w === "{name}-migrate" ? owners.map((o) => `${o}-migrate`) : [w],
    );
    expect(expanded.filter((w) => !workloadNames.includes(w))).toEqual([]);
    const helmReleases = Object.keys(localOverrides());
    // Tilt's own resource for the objects no other resource claims.
    const known = [...expanded, ...others, ...helmReleases, "uncategorized"];
    expect(dependencies(all).filter((d) => !known.includes(d))).toEqual([]);
  });

  it("group only objects that the manifests it applies contain", () => {
    const applied = [...local(), ...render("gitops/platform/observability")].map(
      (o) => `${o.metadata.name}:${o.kind.toLowerCase()}`,
    );
    const selectors = objectSelectors(all);
    expect(selectors.length).toBeGreaterThan(0);
    expect(selectors.filter((s) => !applied.includes(s))).toEqual([]);
  });

  it("install the observability stack from Argo CD Applications that exist and use a chart", () => {
    for (const app of Object.keys(localOverrides())) {
      const [application] = parseYamlStream(readRepoFile(`gitops/platform/apps/${app}.yaml`));
      expect(application!.metadata.name).toBe(app);
      expect(application!.spec.source.chart).toBeDefined();
      expect(application!.spec.source.helm.valuesObject).toBeDefined();
    }
  });

  it("forward the gateway and Grafana, regenerate protos and offer the tests as a manual resource", () => {
    expect(services).toContain("port_forwards=['8080:8080']");
    expect(observability).toContain("port-forward service/kube-prometheus-stack-grafana 3000:80");
    expect(all).toMatch(/local_resource\(\s*'proto',\s*cmd='npm run proto',\s*deps=\['proto'\]/);
    expect(all).toMatch(/local_resource\(\s*'tests',\s*cmd='npm test',\s*trigger_mode=TRIGGER_MODE_MANUAL/);
  });

  it("rebuild the web client in the gateway's pod when a file under app/web changes, with the workspace's own build", () => {
    const { syncs, webBuild } = liveUpdateSteps(services);
    expect(syncs).toContainEqual({ from: "app", to: "/app/app" });
    expect(webBuild).toEqual({
      command: "cd /app && npm run --silent build -w @parley/web",
      trigger: ["app/web"],
    });
    const web = JSON.parse(readRepoFile("app/web/package.json")) as {
      name: string;
      scripts: Record<string, string>;
    };
    expect([web.name, web.scripts.build]).toEqual(["@parley/web", expect.stringContaining("vite build")]);
  });
});

describe("tilt/kind-cluster.yaml", () => {
  const [registry, cluster] = parseYamlStream(readRepoFile("tilt/kind-cluster.yaml"));

  it("creates the cluster the Tiltfile expects, with the registry Tilt pushes to", () => {
    expect(readRepoFile("Tiltfile")).toContain(`k8s_context() != '${cluster!.name}'`);
    expect(cluster!.name).toBe(`kind-${cluster!.kindV1Alpha4Cluster.name}`);
    expect(cluster!.registry).toBe(registry!.name);
  });

  it("pins the node image", () => {
    for (const node of cluster!.kindV1Alpha4Cluster.nodes)
      expect(node.image).toMatch(/^kindest\/node:v\d+\.\d+\.\d+/);
  });
});

describe("the Tilt checks", () => {
  it("catch a path that does not exist", () => {
    expect(missingPaths("k8s_yaml(kustomize('gitops/overlays/laptop'))\nsync('app', '/app/app')")).toEqual([
      "gitops/overlays/laptop",
    ]);
  });

  it("catch a dependency on a resource nobody defines", () => {
    const text = "k8s_resource('auth', resource_deps=['auth-migrate', 'postgres'])";
    expect(dependencies(text)).toEqual(["auth-migrate", "postgres"]);
    expect(definedResources(text).workloads).toEqual(["auth"]);
  });
});

function localOverrides(): Record<string, unknown> {
  const block = /LOCAL_OVERRIDES = \{([\s\S]*?)\n\}/.exec(observability);
  if (!block) throw new Error("no LOCAL_OVERRIDES");
  return Object.fromEntries([...block[1]!.matchAll(/^ {4}'([\w-]+)':/gm)].map((m) => [m[1]!, true]));
}
