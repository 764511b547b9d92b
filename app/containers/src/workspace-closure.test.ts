import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repositoryRoot } from "./images";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { workspaceClosure } = require("../workspace-closure.js") as {
  workspaceClosure: (root: string, start: string) => string[];
};

describe("the workspaces an image installs", () => {
  it("are, for the gateway, the gateway and the libraries it uses, not database or test-support", () => {
    const gateway = workspaceClosure(repositoryRoot, "app/services/gateway");
    expect(gateway).toEqual(
      expect.arrayContaining(["app/services/gateway", "app/libs/grpc", "app/libs/contracts"]),
    );
    expect(gateway).not.toContain("app/libs/database");
    expect(gateway).not.toContain("app/libs/test-support");
  });

  describe("in a workspace tree of its own", () => {
    const root = mkdtempSync(join(tmpdir(), "parley-closure-"));
    const workspace = (folder: string, name: string, dependencies = {}, devDependencies = {}) => {
      mkdirSync(join(root, folder), { recursive: true });
      writeFileSync(
        join(root, folder, "package.json"),
        JSON.stringify({ name, dependencies, devDependencies }),
      );
    };
    workspace("app/services/a", "@x/a", { "@x/b": "1", express: "5" }, { "@x/d": "1" });
    workspace("app/libs/b", "@x/b", { "@x/c": "1" });
    workspace("app/libs/c", "@x/c");
    workspace("app/libs/d", "@x/d");
    workspace("app/tool", "@x/tool", { "@x/a": "1" });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it("follow libraries' own dependencies and leave out devDependencies and dependents", () => {
      expect(workspaceClosure(root, "app/services/a")).toEqual([
        "app/libs/b",
        "app/libs/c",
        "app/services/a",
      ]);
    });

    it("refuse a folder that is no workspace", () => {
      expect(() => workspaceClosure(root, "app/services/nowhere")).toThrow(
        "app/services/nowhere is not a workspace",
      );
    });
  });
});
