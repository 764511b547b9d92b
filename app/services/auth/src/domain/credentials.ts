import { codePointLength, limits, patternOf } from "@parley/contracts";
import { invalidArgument } from "@parley/errors";

/**
 * Whether a name could be a username. Checked before lowercasing: the pattern is ASCII, and some
 * other characters lowercase into ASCII letters (the Kelvin sign into "k").
 */
export const isPossibleUsername = (username: string) => patternOf(limits.username).test(username);

/** The canonical (lowercase) form of a valid username; usernames compare case-insensitively. */
export function normalizeUsername(username: string): string {
  if (!isPossibleUsername(username)) {
    throw invalidArgument("username must be 3 to 32 characters: letters, digits, '_', '.' or '-'.");
  }
  return username.toLowerCase();
}

/** Checks a new password's length in Unicode code points. */
export function checkNewPassword(password: string): void {
  const { min, max } = limits.password;
  const length = codePointLength(password);
  if (length < min || length > max) throw invalidArgument(`password must be ${min} to ${max} characters.`);
}
