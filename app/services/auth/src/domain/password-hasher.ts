import { type Algorithm, type Options, hash, verify } from "@node-rs/argon2";

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password; also spends the same time when there is no stored hash. */
  verify(storedHash: string | undefined, password: string): Promise<boolean>;
}

/** `Algorithm.Argon2id`; the enum is `const` and cannot be read at run time under isolated modules. */
const ARGON2ID = 2 as Algorithm.Argon2id;

/**
 * argon2id with OWASP's minimum (19 MiB memory, 2 passes, 1 lane) by default. Parameters live in
 * each stored hash, so raising the cost later still verifies old hashes.
 */
export function createPasswordHasher(memoryCostKib: number): PasswordHasher {
  const options: Options = { algorithm: ARGON2ID, memoryCost: memoryCostKib, timeCost: 2, parallelism: 1 };
  // Verified when the user does not exist, so that response times do not reveal which usernames exist.
  const decoy = hash("decoy password that matches nothing", options);
  return {
    hash: (password) => hash(password, options),
    async verify(storedHash, password) {
      if (storedHash === undefined) {
        await verify(await decoy, password);
        return false;
      }
      return verify(storedHash, password);
    },
  };
}
