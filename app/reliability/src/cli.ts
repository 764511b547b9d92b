import { teardownAll } from "./harness/platform";
import { faultTable } from "./harness/report";
import {
  type FaultTimings,
  fullTimings,
  restoreServers,
  runFaultSuite,
  shortTimings,
} from "./harness/run-faults";
import { allScenarios } from "./harness/scenarios";
import { fullSoak, runSoak, shortSoak } from "./harness/soak";

const usage = `npm run reliability [-- --full] [-- --no-soak] [-- --only <n,n>]

Runs the fault scenarios under load against real processes on the local PostgreSQL and RabbitMQ
(it stops and restarts both: run it when nothing else uses them), prints the fault table, then a
soak. The short form takes about three minutes; --full runs longer outages at a higher rate and a
three-minute soak. --only 1,5 picks scenarios by number.`;

const print = (text: string) => process.stdout.write(`${text}\n`);

async function main(args: string[]): Promise<number> {
  if (args.includes("--help")) {
    print(usage);
    return 0;
  }
  const full = args.includes("--full");
  const timings: FaultTimings = full ? fullTimings : shortTimings;
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
  const scenarios = only
    ? only.split(",").map((n) => {
        const scenario = allScenarios[Number(n) - 1];
        if (!scenario) throw new Error(`no scenario ${n} (1 to ${allScenarios.length})`);
        return scenario;
      })
    : allScenarios;
  const started = Date.now();
  let failed = false;
  print(`reliability suite, ${full ? "full" : "short"} form: ${scenarios.length} fault scenarios`);
  const faults = await runFaultSuite(scenarios, timings, (line) => print(`  ${line}`));
  print(`\n${faultTable(faults.rows)}`);
  print(`log lines with a secret: ${faults.leaks.length}; processes crashed: ${faults.crashed.length}`);
  for (const leak of faults.leaks.slice(0, 20)) print(`  ${leak}`);
  failed ||=
    faults.rows.some((r) => r.violations.length) || faults.leaks.length > 0 || faults.crashed.length > 0;
  if (!args.includes("--no-soak")) {
    const soak = await runSoak(full ? fullSoak : shortSoak, (line) => print(`  ${line}`));
    print(`\n${soak.text}`);
    print(`log lines with a secret: ${soak.leaks.length}`);
    failed ||= soak.problems.length > 0 || soak.leaks.length > 0;
  }
  print(`\n${failed ? "FAILED" : "passed"} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return failed ? 1 : 0;
}

// Ctrl-C: the services run detached and the broker or database may be stopped; put all back.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    print(`\n${signal}: restoring the broker and the database, stopping the platform`);
    void Promise.allSettled([restoreServers(), teardownAll()]).then(() => process.exit(130));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await restoreServers().catch(() => undefined);
    process.exit(2);
  },
);
