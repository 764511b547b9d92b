import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot } from "@parley/launcher";
import { authConfigShape } from "../../services/auth/src/config";
import { gatewayConfigShape } from "../../services/gateway/src/config";
import { messagingConfigShape } from "../../services/messaging/src/config";
import { notificationConfigShape } from "../../services/notification/src/config";

const shapes = {
  auth: authConfigShape,
  gateway: gatewayConfigShape,
  messaging: messagingConfigShape,
  notification: notificationConfigShape,
};

/** Variable name → services, from the README's Configuration table. */
function documented(): Map<string, Set<string>> {
  const readme = readFileSync(join(repositoryRoot, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Configuration"));
  const table = section.slice(0, section.indexOf("\n## ", 3));
  const result = new Map<string, Set<string>>();
  for (const line of table.split("\n").filter((l) => l.startsWith("| `"))) {
    const [names = "", services = ""] = line
      .split("|")
      .slice(1)
      .map((cell) => cell.trim());
    const list = services === "all" ? Object.keys(shapes) : services.split(",").map((s) => s.trim());
    for (const [, name] of names.matchAll(/`([A-Z0-9_]+)`/g)) result.set(name!, new Set(list));
  }
  return result;
}

describe("the README's Configuration table", () => {
  it("when compared with each service's configuration schema, then it lists exactly the variables each one reads", () => {
    const table = documented();
    const problems: string[] = [];
    for (const [service, shape] of Object.entries(shapes)) {
      for (const name of Object.keys(shape)) {
        if (!table.get(name)?.has(service))
          problems.push(`${service} reads ${name}, which the table does not list for it`);
      }
      for (const [name, services] of table) {
        if (services.has(service) && !(name in shape))
          problems.push(`the table lists ${name} for ${service}, which does not read it`);
      }
    }
    expect(problems).toEqual([]);
    expect(table.size).toBeGreaterThan(20);
  });
});
