import { ConfigError, loadConfig } from "./load-config";
import { commonVariables, databaseVariables, env } from "./variables";

const shape = { ...commonVariables, ...databaseVariables("auth"), GRPC_PORT: env.port(50051) };

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("when only the required variables are set, then defaults fill the rest", () => {
    const config = loadConfig(shape, { DATABASE_URL: "postgres://u@localhost:5432/parley" });
    expect(config).toMatchObject({
      LOG_LEVEL: "info",
      ADMIN_PORT: 9464,
      GRPC_PORT: 50051,
      DATABASE_SCHEMA: "auth",
      DATABASE_POOL_SIZE: 10,
      DATABASE_MIGRATE_ON_START: true,
    });
  });

  it("when a required variable is missing or blank, then the error names it", () => {
    expect(problemsOf(() => loadConfig(shape, {}))).toEqual(["DATABASE_URL: is required"]);
    expect(problemsOf(() => loadConfig(shape, { DATABASE_URL: "  " }))).toEqual([
      "DATABASE_URL: is required",
    ]);
  });

  it("when several variables are invalid, then every one is named and no value is echoed", () => {
    const problems = problemsOf(() =>
      loadConfig(shape, {
        DATABASE_URL: "mysql://secret-password@db/x",
        GRPC_PORT: "70000",
        DATABASE_MIGRATE_ON_START: "yes",
        LOG_LEVEL: "loud",
      }),
    );
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual([
      "DATABASE_MIGRATE_ON_START",
      "DATABASE_URL",
      "GRPC_PORT",
      "LOG_LEVEL",
    ]);
    expect(problems.join("\n")).not.toContain("secret-password");
    expect(problems).toContain("DATABASE_URL: must be a URL starting with postgres:// or postgresql://");
  });

  it("when a boolean is given as 0 or false, then it is false", () => {
    const base = { DATABASE_URL: "postgresql://localhost/x" };
    expect(loadConfig(shape, { ...base, DATABASE_MIGRATE_ON_START: "0" }).DATABASE_MIGRATE_ON_START).toBe(
      false,
    );
    expect(loadConfig(shape, { ...base, DATABASE_MIGRATE_ON_START: "false" }).DATABASE_MIGRATE_ON_START).toBe(
      false,
    );
  });

  it("when a number is not whole or out of range, then it is refused", () => {
    const base = { DATABASE_URL: "postgresql://localhost/x" };
    expect(problemsOf(() => loadConfig(shape, { ...base, DATABASE_POOL_SIZE: "2.5" }))).toEqual([
      "DATABASE_POOL_SIZE: must be a whole number between 1 and 200",
    ]);
    expect(problemsOf(() => loadConfig(shape, { ...base, DATABASE_POOL_SIZE: "0" }))).toHaveLength(1);
  });

  it("when an address is not host:port, then it is refused", () => {
    const addressShape = { AUTH_GRPC_URL: env.address() };
    expect(loadConfig(addressShape, { AUTH_GRPC_URL: "auth:50051" }).AUTH_GRPC_URL).toBe("auth:50051");
    expect(loadConfig(addressShape, { AUTH_GRPC_URL: "dns:///auth.parley.svc:50051" }).AUTH_GRPC_URL).toBe(
      "dns:///auth.parley.svc:50051",
    );
    expect(
      loadConfig(addressShape, { AUTH_GRPC_URL: "ipv4:127.0.0.1:5001,127.0.0.1:5002" }).AUTH_GRPC_URL,
    ).toBe("ipv4:127.0.0.1:5001,127.0.0.1:5002");
    expect(problemsOf(() => loadConfig(addressShape, { AUTH_GRPC_URL: "http://auth" }))).toEqual([
      "AUTH_GRPC_URL: must be host:port, dns:///host:port or ipv4:host:port,host:port",
    ]);
  });
});
