import { type KeyObject, createHmac, generateKeyPairSync, sign } from "node:crypto";

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An ES256 JWT signed with `key`, with exactly the header and claims given (nothing added). */
export function signEs256(header: object, claims: object, key: KeyObject): string {
  const input = `${part({ typ: "JWT", alg: "ES256", ...header })}.${part(claims)}`;
  const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
  return `${input}.${signature.toString("base64url")}`;
}

/** An HS256 JWT whose HMAC secret is `secret` (key confusion: the verifier's public key as text). */
export function signHs256(header: object, claims: object, secret: string): string {
  const input = `${part({ typ: "JWT", alg: "HS256", ...header })}.${part(claims)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** A JWT with `alg: none` and an empty signature. */
export function unsigned(header: object, claims: object): string {
  return `${part({ typ: "JWT", alg: "none", ...header })}.${part(claims)}.`;
}

/** The claims of a JWT, unverified. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
}

/** A token with its claims replaced and its original signature kept (a tampered payload). */
export function tampered(token: string, changes: object): string {
  const [header, , signature] = token.split(".");
  return `${header}.${part({ ...claimsOf(token), ...changes })}.${signature}`;
}

/** A P-256 key pair nobody else knows. */
export const attackerKey = () => generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
