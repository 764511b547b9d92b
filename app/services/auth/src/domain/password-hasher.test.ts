import { createPasswordHasher } from "./password-hasher";

describe("password hasher (argon2id)", () => {
  const hasher = createPasswordHasher(8192);

  it("when a password is hashed, then the hash is argon2id with our cost and verifies only that password", async () => {
    const hash = await hasher.hash("correct horse battery");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=8192,t=2,p=1\$/);
    expect(hash).not.toContain("correct horse battery");
    await expect(hasher.verify(hash, "correct horse battery")).resolves.toBe(true);
    await expect(hasher.verify(hash, "correct horse batterY")).resolves.toBe(false);
  });

  it("when the same password is hashed twice, then the salts differ", async () => {
    expect(await hasher.hash("same password")).not.toBe(await hasher.hash("same password"));
  });

  it("when there is no stored hash (unknown user), then verification is false", async () => {
    await expect(hasher.verify(undefined, "anything at all")).resolves.toBe(false);
  });
});
