import argon2 from "argon2";

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password; also spends the same time when there is no stored hash. */
  verify(storedHash: string | undefined, password: string): Promise<boolean>;
}

/**
 * argon2id with OWASP's minimum (19 MiB memory, 2 passes, 1 lane) by default. Parameters live in
 * each stored hash, so raising the cost later still verifies old hashes.
 */
export function createPasswordHasher(memoryCostKib: number): PasswordHasher {
  const options: argon2.HashOptions = {
    type: argon2.argon2id,
    memoryCost: memoryCostKib,
    timeCost: 2,
    parallelism: 1,
  };
  // Verified when the user does not exist, so that response times do not reveal which usernames exist.
  const decoy = argon2.hash("decoy password that matches nothing", options);
  return {
    hash: (password) => argon2.hash(password, options),
    async verify(storedHash, password) {
      if (storedHash === undefined) {
        await argon2.verify(await decoy, password);
        return false;
      }
      return argon2.verify(storedHash, password);
    },
  };
}
