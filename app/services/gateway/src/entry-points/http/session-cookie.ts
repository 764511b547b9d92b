import { serialize } from "cookie";
import { z } from "zod";
import { refreshToken } from "./fields";

/**
 * Browser sessions keep the refresh token where page scripts cannot read it: in an HttpOnly cookie
 * scoped to /v1/auth, SameSite=Strict. A request asks for it with `Parley-Session: cookie`; a page
 * of another origin cannot send that header without a CORS preflight the gateway never grants,
 * so the cookie cannot be spent across sites.
 */
export const REFRESH_COOKIE = "parley_refresh";

export const sessionModeHeaders = z.object({
  "Parley-Session": z
    .enum(["cookie"])
    .optional()
    .describe(
      `\`cookie\` (browsers): the refresh token travels in the HttpOnly cookie \`${REFRESH_COOKIE}\` (path /v1/auth, SameSite=Strict) instead of the JSON body, so page scripts never see it.`,
    ),
});

export const refreshCookie = z.object({
  [REFRESH_COOKIE]: refreshToken()
    .optional()
    .describe("The refresh token of a browser session (`Parley-Session: cookie`); set by the gateway."),
});

export interface IssuedTokens {
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

const cookieOf = (value: string, options: { secure: boolean; expires: Date }) =>
  serialize(REFRESH_COOKIE, value, {
    httpOnly: true,
    sameSite: "strict",
    path: "/v1/auth",
    secure: options.secure,
    expires: options.expires,
  });

/**
 * The tokens as the caller asked for them: unchanged, or (cookie mode) without the refresh token in
 * the body and with the cookie that holds it.
 */
export function deliverTokens<T extends IssuedTokens>(
  tokens: T,
  mode: { cookie: boolean; secure: boolean },
): { tokens: Omit<T, "refreshToken"> & { refreshToken?: string }; headers?: Record<string, string> } {
  if (!mode.cookie) return { tokens };
  const { refreshToken: value, ...rest } = tokens;
  return {
    tokens: rest,
    headers: {
      "Set-Cookie": cookieOf(value, { secure: mode.secure, expires: new Date(tokens.refreshTokenExpiresAt) }),
      "Cache-Control": "no-store",
    },
  };
}

/** Clears the browser session's cookie (sign-out). */
export const clearedSessionCookie = (secure: boolean) => ({
  "Set-Cookie": cookieOf("", { secure, expires: new Date(0) }),
});
