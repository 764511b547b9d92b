import { status } from "@grpc/grpc-js";
import { AppError, errorKinds, kindOfGrpcCode } from "./app-error";

describe("error kinds", () => {
  it("when a gRPC code has a kind, then the kind maps back to the same code", () => {
    for (const { grpc } of Object.values(errorKinds)) {
      expect(errorKinds[kindOfGrpcCode(grpc)].grpc).toBe(grpc);
    }
  });

  it("when a gRPC code has no kind of its own, then it is internal", () => {
    expect(kindOfGrpcCode(status.UNKNOWN)).toBe("internal");
    expect(kindOfGrpcCode(status.DATA_LOSS)).toBe("internal");
    expect(kindOfGrpcCode(status.UNIMPLEMENTED)).toBe("internal");
  });

  it("when a client error kind is mapped to HTTP, then it is a 4xx and server ones are 5xx", () => {
    expect(errorKinds.invalid_argument.http).toBe(400);
    expect(errorKinds.unauthenticated.http).toBe(401);
    expect(errorKinds.not_found.http).toBe(404);
    expect(errorKinds.already_exists.http).toBe(409);
    expect(errorKinds.resource_exhausted.http).toBe(429);
    expect(errorKinds.unavailable.http).toBe(503);
    expect(errorKinds.internal.http).toBe(500);
  });

  it("when an AppError carries a retry hint, then it keeps it", () => {
    const error = new AppError("resource_exhausted", "Slow down.", { retryAfterSeconds: 30 });
    expect(error.retryAfterSeconds).toBe(30);
    expect(error.message).toBe("Slow down.");
    expect(error).toBeInstanceOf(Error);
  });
});
