import { faultTable } from "./harness/report";
import { runFaultSuite, shortTimings } from "./harness/run-faults";
import { allScenarios } from "./harness/scenarios";
import { runSoak, shortSoak } from "./harness/soak";

/**
 * The short form of the reliability suite (`npm run reliability -- --full` is the long one): the
 * seven faults under a steady load on real processes, PostgreSQL and RabbitMQ, then a short soak.
 * It stops and restarts the shared broker and database, so it runs alone (see jest.config.js).
 */
describe("faults under load lose nothing (real processes; stops and restarts RabbitMQ and PostgreSQL)", () => {
  it("when each fault is injected under load, then every accepted message is stored and delivered exactly once", async () => {
    // Progress lines, so that a scenario that hangs shows which one it is.
    const result = await runFaultSuite(allScenarios, shortTimings, (line) =>
      process.stdout.write(`${line}\n`),
    );
    process.stdout.write(`\n${faultTable(result.rows)}\n`);
    expect(result.rows.map((r) => r.scenario)).toHaveLength(7);
    expect(result.rows.flatMap((r) => r.violations.map((v) => `${r.scenario}: ${v}`))).toEqual([]);
    expect(result.rows.reduce((n, r) => n + r.lost + r.duplicates, 0)).toBe(0);
    for (const row of result.rows) expect(row.accepted).toBeGreaterThan(0);
    expect(result.crashed).toEqual([]);
    expect(result.leaks).toEqual([]);
  }, 360_000);

  it("when the platform runs a short soak, then memory and the outbox backlog return to their baseline", async () => {
    const soak = await runSoak(shortSoak);
    process.stdout.write(`\n${soak.text}\n`);
    expect(soak.figures.accepted).toBeGreaterThan(0);
    expect(soak.problems).toEqual([]);
    expect(soak.leaks).toEqual([]);
  }, 180_000);
});
