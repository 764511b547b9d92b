// Request fields built from the rules in @parley/contracts, so that the gateway refuses exactly what
// the services refuse and the OpenAPI document says so in JSON Schema's own terms: lengths in code
// points (as JSON Schema counts them), patterns, item counts, unique items.
import { codePointLength, limits, patternOf } from "@parley/contracts";
import { z } from "zod";

interface Bounds {
  min: number;
  max: number;
}

const notOnlyWhiteSpace = /\S/;
// eslint-disable-next-line no-control-regex -- NUL is the character this pattern refuses.
const noNul = /^[^\u0000]*$/;

/** A string of `min` to `max` Unicode code points. */
function codePoints({ min, max }: Bounds) {
  return z
    .string()
    .refine((text) => codePointLength(text) >= min && codePointLength(text) <= max, {
      message: `must be ${min} to ${max} characters`,
    })
    .meta({ minLength: min, maxLength: max });
}

export const uuid = () =>
  z
    .string()
    .regex(patternOf(limits.uuid), "must be a UUID in lowercase")
    .meta({ format: "uuid", examples: ["3f8a6f0e-2c1b-4d5e-9f7a-1b2c3d4e5f60"] });

export const username = () =>
  z
    .string()
    .regex(patternOf(limits.username), `must be ${limits.username.statement}`)
    .meta({
      minLength: limits.username.min,
      maxLength: limits.username.max,
      description: `${limits.username.statement}.`,
      examples: ["ada"],
    });

export const password = () =>
  codePoints(limits.password).meta({
    description: `${limits.password.statement}.`,
    examples: ["correct horse battery"],
  });

export const groupTitle = () =>
  codePoints(limits.groupTitle)
    .regex(notOnlyWhiteSpace, "must not be only white space")
    .meta({ description: `${limits.groupTitle.statement}.`, examples: ["Book club"] });

export const messageBody = () =>
  codePoints(limits.messageBody)
    .regex(notOnlyWhiteSpace, "must not be only white space")
    .regex(noNul, "must not contain NUL characters")
    .meta({ description: `${limits.messageBody.statement}.`, examples: ["Hi Bob 👋"] });

export const refreshToken = () =>
  z
    .string()
    .min(limits.refreshToken.min)
    .max(limits.refreshToken.max)
    .meta({ description: `${limits.refreshToken.statement}.` });

export const idempotencyKey = () =>
  z
    .string()
    .regex(patternOf(limits.idempotencyKey), `must be ${limits.idempotencyKey.statement.split(",")[0]}`)
    .meta({
      minLength: limits.idempotencyKey.min,
      maxLength: limits.idempotencyKey.max,
      examples: ["hello-bob-1"],
    });

export const pageSize = () =>
  z.coerce
    .number()
    .int()
    .min(limits.pageSize.min)
    .max(limits.pageSize.max)
    .optional()
    .meta({
      description: `${limits.pageSize.min} to ${limits.pageSize.max}; ${limits.pageSize.default} when absent.`,
    });

export const pageToken = () =>
  z
    .string()
    .min(limits.pageToken.min)
    .max(limits.pageToken.max)
    .optional()
    .meta({ description: "Opaque, from the previous page's answer." });

/** A list of distinct user ids with the rule's bounds; the services count distinct ids too. */
export function userIds(rule: Bounds & { statement: string }, description = rule.statement) {
  return z
    .array(uuid())
    .min(rule.min)
    .max(rule.max)
    .refine((ids) => new Set(ids).size === ids.length, { message: "must not repeat a user id" })
    .meta({ uniqueItems: true, description: `${description}.` });
}
