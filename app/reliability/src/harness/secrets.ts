import { BODY_MARKER, PASSWORD_MARKER } from "./workload";

/** What a user's secrets look like to the log scan. */
export interface SecretHolder {
  password: string;
  token: string;
  refreshToken: string;
}

/** A JSON Web Token: three base64url parts, the first a JSON object (`eyJ`). */
const JWT = /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/;

/**
 * Log lines that hold a password, an access or refresh token, or a message body. Message bodies
 * and passwords made by the harness carry markers; other known secrets are looked up one by one.
 * The secret itself is not repeated in the report.
 */
export function findSecretsInLogs(
  logs: { name: string; line: string }[],
  holders: SecretHolder[],
  extraSecrets: { kind: string; value: string }[] = [],
): string[] {
  const secrets = [
    ...holders.flatMap((h) => [
      { kind: "password", value: h.password },
      { kind: "access token", value: h.token },
      { kind: "refresh token", value: h.refreshToken },
    ]),
    ...extraSecrets,
  ].filter((s) => s.value.length >= 8);
  const leaks: string[] = [];
  for (const { name, line } of logs) {
    const kinds = new Set<string>();
    if (line.includes(BODY_MARKER)) kinds.add("message body");
    if (line.includes(PASSWORD_MARKER)) kinds.add("password");
    if (JWT.test(line)) kinds.add("token");
    for (const secret of secrets) if (line.includes(secret.value)) kinds.add(secret.kind);
    if (kinds.size) leaks.push(`${name}: ${[...kinds].join(", ")} in a log line`);
  }
  return leaks;
}
