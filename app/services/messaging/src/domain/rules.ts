import { invalidArgument } from "@parley/errors";

export const MAX_GROUP_MEMBERS = 256;
export const MAX_TITLE_LENGTH = 100;
export const MAX_BODY_LENGTH = 4000;
export const PREVIEW_LENGTH = 100;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/** Length in Unicode code points: an emoji counts once, however many UTF-16 units it takes. */
const codePoints = (text: string) => [...text].length;

// String.prototype.isWellFormed is ES2024: Node.js 20 has it, our TypeScript lib (ES2023) does not.
const isWellFormed = (text: string) => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** A conversation, message or user id: a UUID in the canonical lowercase form our services use. */
export function requireId(value: string, field: string): string {
  if (!UUID.test(value)) throw invalidArgument(`${field} must be a UUID.`);
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
  if (!ids.every((id) => UUID.test(id))) throw invalidArgument(`${field} must hold UUIDs.`);
  const unique = [...new Set(ids)].filter((id) => id !== bounds.ignored);
  if (unique.length < bounds.min || unique.length > bounds.max) {
    const besides = bounds.ignored ? " besides the caller" : "";
    throw invalidArgument(`${field} must hold ${bounds.min} to ${bounds.max} user ids${besides}.`);
  }
  return unique;
}

/** Text PostgreSQL can store and every client can show: no unpaired surrogate, no NUL. */
function checkText(text: string, field: string) {
  if (!isWellFormed(text)) throw invalidArgument(`${field} must be valid Unicode text.`);
  if (text.includes("\u0000")) throw invalidArgument(`${field} must not contain NUL characters.`);
}

/** A group title, trimmed: 1 to 100 characters. */
export function groupTitle(title: string): string {
  checkText(title, "title");
  const trimmed = title.trim();
  const length = codePoints(trimmed);
  if (length < 1 || length > MAX_TITLE_LENGTH) {
    throw invalidArgument(`title must be 1 to ${MAX_TITLE_LENGTH} characters after trimming.`);
  }
  return trimmed;
}

/** A message body, kept exactly as sent: 1 to 4000 code points, not only white space. */
export function messageBody(body: string): string {
  checkText(body, "body");
  const length = codePoints(body);
  if (length < 1 || length > MAX_BODY_LENGTH) {
    throw invalidArgument(`body must be 1 to ${MAX_BODY_LENGTH} characters.`);
  }
  if (body.trim() === "") throw invalidArgument("body must not be only white space.");
  return body;
}

/** 1 to 128 printable ASCII characters. */
export function idempotencyKey(key: string): string {
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw invalidArgument("idempotency_key must be 1 to 128 printable ASCII characters.");
  }
  return key;
}

/** A page size: 1 to 100, with 0 meaning the default of 50. */
export function pageSize(value: number, field: string): number {
  if (value === 0) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw invalidArgument(`${field} must be 1 to ${MAX_PAGE_SIZE} (0 means ${DEFAULT_PAGE_SIZE}).`);
  }
  return value;
}

/** The start of a body that notifications show: its first 100 code points. */
export function preview(body: string): string {
  return [...body].slice(0, PREVIEW_LENGTH).join("");
}
