import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { type Router } from "express";
import type { Logger } from "@parley/logger";

/** Where the built web client (app/web, `npm run build`) is, seen from the built gateway. */
export const defaultWebRoot = join(__dirname, "..", "..", "..", "..", "..", "web", "dist");

// Everything from this origin and nothing else: no inline script or style, no other host.
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * `/`: the web client, the files of its build. Its hashed assets are cached for a year; index.html
 * is revalidated, so a new build reaches browsers on their next load.
 */
export function webClient(root: string, logger: Logger): Router {
  const router = express.Router();
  if (!existsSync(join(root, "index.html"))) {
    logger.warn({ webRoot: root }, "no web client build: / answers 404 (npm run build builds it)");
    return router;
  }
  router.use((_request, response, next) => {
    response.setHeader("Content-Security-Policy", contentSecurityPolicy);
    next();
  });
  router.use(
    "/assets",
    express.static(join(root, "assets"), { index: false, immutable: true, maxAge: "365d" }),
  );
  router.get("/", (_request, response) => {
    response.setHeader("Cache-Control", "no-cache");
    response.sendFile(join(root, "index.html"));
  });
  router.use(express.static(root, { index: false, maxAge: "1h" }));
  return router;
}
