export { type Figures, checkInvariants, missingDeliveries } from "./harness/invariants";
export { faultTable, table } from "./harness/report";
export {
  type FaultSuiteResult,
  type FaultTimings,
  fullTimings,
  preflight,
  restoreServers,
  runFaultSuite,
  shortTimings,
} from "./harness/run-faults";
export { allScenarios, type Scenario } from "./harness/scenarios";
export { findSecretsInLogs } from "./harness/secrets";
export { fullSoak, runSoak, shortSoak, type SoakResult } from "./harness/soak";
export { BODY_MARKER, Load, PASSWORD_MARKER, createPopulation } from "./harness/workload";
