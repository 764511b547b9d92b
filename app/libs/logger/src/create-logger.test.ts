import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { Writable } from "node:stream";
import { accessLogger, createLogger } from "./create-logger";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ service: "test", level: "info", destination }) };
}

describe("createLogger", () => {
  it("when an object holding secrets and a message body is logged, then none of them is written", () => {
    const { lines, logger } = capture();
    logger.info(
      {
        password: "hunter2-password",
        request: { password: "nested-password", accessToken: "eyJ.access", refreshToken: "rt-secret" },
        tokens: { refreshToken: "rt-2" },
        message: { body: "hello secret body", id: "m1" },
        headers: { authorization: "Bearer abc" },
        err: { message: "query failed", parameters: ["a message body in a failed query"] },
      },
      "logged in",
    );
    const written = JSON.stringify(lines);
    for (const secret of [
      "hunter2-password",
      "nested-password",
      "eyJ.access",
      "rt-secret",
      "rt-2",
      "hello secret body",
      "Bearer abc",
    ]) {
      expect(written).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({
      msg: "logged in",
      service: "test",
      level: "info",
      message: { id: "m1" },
    });
  });

  it("when a token, a bearer value or a URL's password is in a message or an error, then none of it is written", () => {
    const { lines, logger } = capture();
    const jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl";
    logger.warn(`refresh failed for ${jwt}`);
    logger.info("upstream said %s", `Authorization: Bearer ${jwt}`);
    logger.error(
      { err: new Error(`cannot reach amqps://parley_auth:s3cret-pw@broker:5671 with ${jwt}`) },
      "broker",
    );
    const written = JSON.stringify(lines);
    for (const secret of [jwt, "c2lnbmF0dXJl", "s3cret-pw"]) expect(written).not.toContain(secret);
    expect(lines.map((line) => line.msg)).toEqual([
      "refresh failed for [redacted]",
      "upstream said Authorization: Bearer [redacted]",
      "broker",
    ]);
    expect((lines[2]!.err as { message: string }).message).toBe(
      "cannot reach amqps://parley_auth:[redacted]@broker:5671 with [redacted]",
    );
  });

  it("when an access logger writes its fixed fields, then they are written as they are, and the parent still redacts", () => {
    const { lines, logger } = capture();
    accessLogger(logger).info({ request_id: "r-1", route: "/v1/things", status: 201 }, "http request");
    logger.info({ password: "hunter2-password" }, "after");
    expect(lines[0]).toMatchObject({
      request_id: "r-1",
      route: "/v1/things",
      status: 201,
      msg: "http request",
    });
    expect(lines[1]).toMatchObject({ password: "[redacted]" });
  });

  it("when an access logger's message holds a token, then the token is still replaced", () => {
    const { lines, logger } = capture();
    accessLogger(logger).info("Bearer abc.def.ghi");
    expect(JSON.stringify(lines[0])).not.toContain("abc.def.ghi");
  });

  it("when the level is warn, then info lines are dropped", () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _e, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ service: "t", level: "warn", destination });
    logger.info("quiet");
    logger.warn("loud");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("loud");
  });

  it("when a process logs to standard output and exits at once, then every line is written", () => {
    // The compiled library (npm test builds first): the child process runs plain Node.js.
    const script = `
      const { createLogger } = require(${JSON.stringify(join(__dirname, "..", "dist", "create-logger.js"))});
      const logger = createLogger({ service: "exit-test", level: "info" });
      for (let i = 0; i < 500; i += 1) logger.info({ i }, "line");
      logger.fatal("last words");
      process.exit(3);`;
    let output = "";
    try {
      execFileSync(process.execPath, ["-e", script], { encoding: "utf8" });
    } catch (error) {
      output = (error as { stdout: string; status: number }).stdout;
      expect((error as { status: number }).status).toBe(3);
    }
    const lines = output
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { msg: string });
    expect(lines).toHaveLength(501);
    expect(lines[500]!.msg).toBe("last words");
  });
});
