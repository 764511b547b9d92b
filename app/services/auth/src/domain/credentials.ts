import { invalidArgument } from "@parley/errors";

export const USERNAME_PATTERN = /^[a-z0-9_.-]{3,32}$/;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** The canonical (lowercase) form of a valid username; usernames compare case-insensitively. */
export function normalizeUsername(username: string): string {
  const canonical = username.toLowerCase();
  if (!USERNAME_PATTERN.test(canonical)) {
    throw invalidArgument("username must be 3 to 32 characters: letters, digits, '_', '.' or '-'.");
  }
  return canonical;
}

/** Checks a new password's length in Unicode code points. */
export function checkNewPassword(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    throw invalidArgument(`password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`);
  }
}
