// The README's Configuration table: the one contract between the services and everything that
// starts them (npm start, the images, the manifests). Tests on each side read it through here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot } from "@parley/launcher";

export const ALL_SERVICES = ["gateway", "auth", "messaging", "notification"] as const;

export interface DocumentedVariable {
  name: string;
  /** The services whose processes get it. */
  services: string[];
  /**
   * Who reads it: the service's own configuration schema; the runtime beneath it (Node.js, the
   * OpenTelemetry SDK), written `all (Node.js)`; only the manifests, written `all (manifests only)`;
   * or the `provision` command, written `... (provision command)`.
   */
  readBy: "service" | "runtime" | "manifests" | "provision";
  required: boolean;
  /** The default column as written, without backticks. */
  defaultValue: string;
}

export function configurationTable(
  readme = readFileSync(join(repositoryRoot, "README.md"), "utf8"),
): DocumentedVariable[] {
  const section = readme.slice(readme.indexOf("## Configuration"));
  const end = section.indexOf("\n## ", 3);
  return (end === -1 ? section : section.slice(0, end))
    .split("\n")
    .filter((line) => /^\| `/.test(line))
    .flatMap((line) => {
      const [names = "", servicesCell = "", defaultCell = ""] = line
        .split("|")
        .slice(1)
        .map((cell) => cell.trim());
      const remark = /\(([^)]*)\)$/.exec(servicesCell)?.[1];
      const services = servicesCell.replace(/\s*\([^)]*\)$/, "");
      const list = services === "all" ? [...ALL_SERVICES] : services.split(",").map((s) => s.trim());
      const readBy =
        remark === undefined
          ? "service"
          : remark === "manifests only"
            ? "manifests"
            : remark === "provision command"
              ? "provision"
              : "runtime";
      const defaults = defaultCell.split(" / ").map((d) => d.replace(/`/g, ""));
      return [...names.matchAll(/`([A-Z0-9_]+)`/g)].map((m, index) => ({
        name: m[1]!,
        services: list,
        readBy,
        required: defaultCell === "required",
        defaultValue: defaults[index] ?? defaults[0]!,
      }));
    });
}

/** Each service's documented `*_PORT` variables with their numeric defaults. */
export function portVariables(table = configurationTable()): Record<string, Record<string, number>> {
  const result: Record<string, Record<string, number>> = {};
  for (const variable of table.filter((v) => v.name.endsWith("_PORT") && /^\d+$/.test(v.defaultValue))) {
    for (const service of variable.services)
      (result[service] ??= {})[variable.name] = Number(variable.defaultValue);
  }
  return result;
}
