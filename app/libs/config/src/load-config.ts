import { z } from "zod";

/** Raised when the environment does not satisfy a service's configuration schema. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Reads a service's configuration from environment variables. The schema's keys are the variable
 * names; every problem is reported at once, each naming its variable and never echoing its value
 * (it may be a secret).
 */
export function loadConfig<T extends z.ZodRawShape>(
  shape: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<T>> {
  const input: Record<string, string | undefined> = {};
  for (const name of Object.keys(shape)) {
    const value = env[name];
    input[name] = value === undefined || value.trim() === "" ? undefined : value;
  }
  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        return input[name] === undefined ? `${name}: is required` : `${name}: ${issue.message}`;
      }),
    );
  }
  return result.data;
}
