import { AppError } from "@parley/errors";
import { createSessionChecker } from "./session-checker";

describe("session checker", () => {
  it("when a session was found live, then it is not asked about again within the cache time", async () => {
    let calls = 0;
    const checker = createSessionChecker(async () => {
      calls += 1;
    }, 60);
    await checker.check("s1", "t");
    await checker.check("s1", "t");
    expect(calls).toBe(1);
  });

  it("when a session is forgotten, then the next check asks again", async () => {
    let calls = 0;
    const checker = createSessionChecker(async () => {
      calls += 1;
    }, 60);
    await checker.check("s1", "t");
    checker.forget("s1");
    await checker.check("s1", "t");
    expect(calls).toBe(2);
  });

  it("when the auth service says the session ended, then the check fails with its error", async () => {
    const checker = createSessionChecker(
      async () => Promise.reject(new AppError("unauthenticated", "ended")),
      60,
    );
    await expect(checker.check("s1", "t")).rejects.toMatchObject({ kind: "unauthenticated" });
  });

  it("when the auth service fails some other way, then the check is unavailable, not a login failure", async () => {
    const checker = createSessionChecker(async () => Promise.reject(new Error("socket hang up")), 60);
    await expect(checker.check("s1", "t")).rejects.toMatchObject({ kind: "unavailable" });
  });

  it("when the cache time is zero, then every check asks", async () => {
    let calls = 0;
    const checker = createSessionChecker(async () => {
      calls += 1;
    }, 0);
    await checker.check("s1", "t");
    await new Promise((resolve) => setTimeout(resolve, 2));
    await checker.check("s1", "t");
    expect(calls).toBe(2);
  });
});
