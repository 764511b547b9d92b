import { AppError } from "./app-error";
import { isTransientError, toAppError } from "./classify";

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("toAppError", () => {
  it("when the error is an AppError, then it is returned as it is", () => {
    const error = new AppError("not_found", "No such conversation.");
    expect(toAppError(error)).toBe(error);
  });

  it("when PostgreSQL or a socket is unreachable, then the caller gets unavailable with a retry hint", () => {
    for (const error of [
      withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"),
      withCode("terminating connection due to administrator command", "57P01"),
      withCode("could not serialize access", "40001"),
      new Error("Connection terminated unexpectedly"),
      Object.assign(new Error("query failed"), { driverError: withCode("x", "08006") }),
    ]) {
      expect(isTransientError(error)).toBe(true);
      expect(toAppError(error)).toMatchObject({ kind: "unavailable", retryAfterSeconds: 1 });
    }
  });

  it("when the error is a bug or a constraint violation, then it is not classified", () => {
    expect(toAppError(new TypeError("x is undefined"))).toBeUndefined();
    expect(toAppError(withCode("duplicate key", "23505"))).toBeUndefined();
    expect(toAppError("a string")).toBeUndefined();
  });
});
