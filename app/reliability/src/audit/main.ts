import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { repositoryRoot } from "@parley/launcher";
import { type AllowListEntry, type AuditReport, evaluateAudit } from "./audit-report";

const usage = `npm run audit [-- --allow-unavailable]

Runs \`npm audit --omit=dev\` on the production dependencies and fails on any high or critical
advisory that app/reliability/audit-allowlist.json does not excuse (each exception states its
package, advisory, reason and an expiry date). Exits 2 when npm cannot get advisories at all;
--allow-unavailable turns that into a warning and exit 0.`;

const print = (line: string) => process.stdout.write(`${line}\n`);

function npmAudit(): Promise<AuditReport> {
  return new Promise((resolve, reject) => {
    // npm audit exits 1 when it finds anything; the JSON on stdout is what counts.
    execFile(
      "npm",
      ["audit", "--omit=dev", "--json"],
      { cwd: repositoryRoot, maxBuffer: 64 * 1024 * 1024, timeout: 180_000 },
      (error, stdout) => {
        try {
          resolve(JSON.parse(stdout) as AuditReport);
        } catch {
          reject(error ?? new Error("npm audit printed no JSON"));
        }
      },
    );
  });
}

async function main(args: string[]): Promise<number> {
  if (args.includes("--help")) {
    print(usage);
    return 0;
  }
  const allowList = (
    JSON.parse(
      await readFile(join(repositoryRoot, "app", "reliability", "audit-allowlist.json"), "utf8"),
    ) as {
      exceptions: AllowListEntry[];
    }
  ).exceptions;
  const verdict = evaluateAudit(await npmAudit(), allowList, new Date());
  if (verdict.kind === "unavailable") {
    print(`npm audit could not get advisories: ${verdict.reason}`);
    if (args.includes("--allow-unavailable")) {
      print("audit SKIPPED (--allow-unavailable): no advisory data, nothing was checked");
      return 0;
    }
    return 2;
  }
  for (const problem of verdict.invalid) print(`invalid exception: ${problem}`);
  for (const entry of verdict.expired)
    print(`expired exception (${entry.until}): ${entry.package} ${entry.advisory}`);
  for (const advisory of verdict.allowed)
    print(`allowed: ${advisory.severity} ${advisory.name}: ${advisory.title} (${advisory.url})`);
  for (const advisory of verdict.blocking)
    print(
      `BLOCKING: ${advisory.severity} ${advisory.name} ${advisory.range}: ${advisory.title} (${advisory.url})`,
    );
  const failed = verdict.blocking.length > 0 || verdict.invalid.length > 0;
  print(
    `npm audit --omit=dev: ${verdict.blocking.length} high or critical advisories not excused, ` +
      `${verdict.allowed.length} excused: ${failed ? "FAILED" : "passed"}`,
  );
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(2);
  },
);
