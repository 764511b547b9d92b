import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pinnedNodeVersion, repositoryRoot } from "./images";

const read = (file: string) => readFileSync(join(repositoryRoot, file), "utf8");

describe("the Node.js release the project runs on", () => {
  const pinned = read(".nvmrc").trim();
  const major = pinned.split(".")[0];

  it("is one version in .nvmrc (CI and nvm), the Dockerfile's build image and the engines field", () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pinnedNodeVersion()).toBe(pinned);
    const engines = /^>=(\d+)\.(\d+)$/.exec(JSON.parse(read("package.json")).engines.node as string);
    expect(engines?.[1]).toBe(major);
    expect(Number(pinned.split(".")[1])).toBeGreaterThanOrEqual(Number(engines?.[2]));
  });

  it("is the line of every distroless image the project runs (the runtime stage, the local-secrets Job)", () => {
    const lines = [
      read("app/Dockerfile"),
      read("gitops/components/in-cluster-data/local-secrets.yaml"),
    ].flatMap((text) => [...text.matchAll(/distroless\/nodejs(\d+)-/g)].map((m) => m[1]));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(new Set(lines)).toEqual(new Set([major]));
  });
});
