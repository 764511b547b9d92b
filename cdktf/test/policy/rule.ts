import { skipReason, type ScannerSkips } from "../support/scanner-skips";
import { type Body } from "../support/terraform-json";

export interface Evaluation {
  /** How many things the rule looked at; a rule that looked at nothing proves nothing. */
  checked: number;
  violations: string[];
}

interface RuleBase {
  id: string;
  title: string;
  /** The Checkov / Trivy (or tflint, Terraform) checks this rule stands in for offline. */
  mirrors: string[];
}

/** A rule over the parsed HCL of one module in terraform/modules. */
export interface ModuleRule extends RuleBase {
  scope: "module";
  /** `skips`: the checks the module's resources opt out of, with their reasons (scanner comments). */
  evaluate(module: Body, skips: ScannerSkips): Evaluation;
  /** HCL that breaks the rule: the suite proves the rule catches it. */
  violatingExample: string;
}

export interface StackContext {
  environment: string;
  component: string;
  /** Parsed HCL of the modules the stack calls, by module name. */
  modules: Map<string, Body>;
}

/** A rule over one synthesized CDKTF stack (cdk.tf.json). */
export interface StackRule extends RuleBase {
  scope: "stack";
  evaluate(stack: Body, context: StackContext): Evaluation;
  /** Breaks a copy of a compliant stack of this environment and component: the suite proves the rule catches it. */
  violatingChange: { environment: string; component: string; apply(stack: Body): void };
}

export type Rule = ModuleRule | StackRule;

/** Builds an evaluation from the subjects a rule checked and a test for each. */
export function evaluateEach<T>(
  subjects: T[],
  problem: (subject: T) => string | string[] | undefined,
): Evaluation {
  const violations = subjects.flatMap((subject) => {
    const found = problem(subject);
    return found === undefined ? [] : Array.isArray(found) ? found : [found];
  });
  return { checked: subjects.length, violations };
}

/**
 * For a resource that does not meet `requirement`: undefined when it skips `check` with a reason
 * next to it (a scanner comment), otherwise the problem.
 */
export function unjustified(
  skips: ScannerSkips,
  address: string,
  check: string,
  requirement: string,
): string | undefined {
  const reason = skipReason(skips, address, check);
  if (reason === undefined) return `${address} ${requirement}, or skip ${check} with the reason`;
  return reason.length > 0 ? undefined : `${address} skips ${check} without a reason`;
}
