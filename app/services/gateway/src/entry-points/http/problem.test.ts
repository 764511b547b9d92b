import { AppError } from "@parley/errors";
import { createLogger } from "@parley/logger";
import { problemForError } from "./problem";
import { ValidationError } from "./validation";

const logger = createLogger({ service: "test", level: "silent" });

describe("problem documents for errors", () => {
  it.each([
    ["invalid_argument", 400],
    ["unauthenticated", 401],
    ["permission_denied", 403],
    ["not_found", 404],
    ["already_exists", 409],
    ["failed_precondition", 409],
    ["resource_exhausted", 429],
    ["unavailable", 503],
    ["deadline_exceeded", 504],
  ] as const)(
    "when an AppError of kind %s arrives, then the status is %d and its message the detail",
    (kind, status) => {
      const { problem } = problemForError(new AppError(kind, "what happened"), logger);
      expect(problem).toMatchObject({ status, code: kind, detail: "what happened", type: "about:blank" });
    },
  );

  it("when a retry hint comes with the error, then it is kept for Retry-After", () => {
    expect(
      problemForError(new AppError("unavailable", "later", { retryAfterSeconds: 3 }), logger)
        .retryAfterSeconds,
    ).toBe(3);
  });

  it("when the error is a bug, then the answer is a bare 500 that reveals nothing", () => {
    const { problem } = problemForError(
      new TypeError("Cannot read properties of undefined (reading 'SELECT secret')"),
      logger,
    );
    expect(problem).toMatchObject({ status: 500, code: "internal" });
    expect(JSON.stringify(problem)).not.toContain("secret");
  });

  it("when a dependency's socket is refused, then 503 with a retry hint", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(problemForError(refused, logger)).toMatchObject({
      problem: { status: 503 },
      retryAfterSeconds: 1,
    });
  });

  it("when validation failed, then the problem lists the invalid fields", () => {
    const { problem } = problemForError(
      new ValidationError([{ pointer: "#/body/name", detail: "is required" }]),
      logger,
    );
    expect(problem.errors).toEqual([{ pointer: "#/body/name", detail: "is required" }]);
  });
});
