import { codePointLength, isUuid, limits, patternOf } from "@parley/contracts";
import { invalidArgument } from "@parley/errors";

export const MAX_GROUP_MEMBERS = limits.groupSize.max;
export const PREVIEW_LENGTH = 100;

/** A conversation, message or user id: a UUID in the canonical lowercase form our services use. */
export function requireId(value: string, field: string): string {
  if (!isUuid(value)) throw invalidArgument(`${field} must be a UUID in lowercase.`);
  return value;
}

/**
 * A list of user ids in the order given, without duplicates and without `ignored` (the caller,
 * where listing oneself means nothing); the bounds apply to what is left.
 */
export function userIdList(
  ids: string[],
  field: string,
  bounds: { min: number; max: number; ignored?: string },
): string[] {
  if (!ids.every(isUuid)) throw invalidArgument(`${field} must hold UUIDs in lowercase.`);
  const unique = [...new Set(ids)].filter((id) => id !== bounds.ignored);
  if (unique.length < bounds.min || unique.length > bounds.max) {
    const besides = bounds.ignored ? " besides the caller" : "";
    throw invalidArgument(`${field} must hold ${bounds.min} to ${bounds.max} user ids${besides}.`);
  }
  return unique;
}

/** Text PostgreSQL can store and every client can show: no unpaired surrogate, no NUL. */
function checkText(text: string, field: string) {
  if (!text.isWellFormed()) throw invalidArgument(`${field} must be valid Unicode text.`);
  if (text.includes("\u0000")) throw invalidArgument(`${field} must not contain NUL characters.`);
}

/** A group title: 1 to 100 code points as sent, not only white space; kept without surrounding white space. */
export function groupTitle(title: string): string {
  checkText(title, "title");
  const { min, max } = limits.groupTitle;
  const length = codePointLength(title);
  if (length < min || length > max || title.trim() === "") {
    throw invalidArgument(`title must be ${min} to ${max} characters, not only white space.`);
  }
  return title.trim();
}

/** A message body, kept exactly as sent: 1 to 4000 code points, not only white space. */
export function messageBody(body: string): string {
  checkText(body, "body");
  const { min, max } = limits.messageBody;
  const length = codePointLength(body);
  if (length < min || length > max) throw invalidArgument(`body must be ${min} to ${max} characters.`);
  if (body.trim() === "") throw invalidArgument("body must not be only white space.");
  return body;
}

/** 1 to 128 printable ASCII characters. */
export function idempotencyKey(key: string): string {
  if (!patternOf(limits.idempotencyKey).test(key)) {
    throw invalidArgument("idempotency_key must be 1 to 128 printable ASCII characters.");
  }
  return key;
}

/** A page size: 1 to 100, with 0 meaning the default of 50. */
export function pageSize(value: number, field: string): number {
  const { min, max, default: fallback } = limits.pageSize;
  if (value === 0) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(`${field} must be ${min} to ${max} (0 means ${fallback}).`);
  }
  return value;
}

/** The start of a body that notifications show: its first 100 code points. */
export function preview(body: string): string {
  return [...body].slice(0, PREVIEW_LENGTH).join("");
}
