import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { type Router } from "express";

/**
 * `/docs`: the API reference, rendered in the browser by Redoc from /openapi.json. The Redoc bundle
 * is copied into dist/docs when the gateway is built (`build:assets`), so nothing comes from a CDN.
 */
export const assetsDir = join(__dirname, "..", "..", "..", "dist", "docs");

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Parley API reference</title>
    <link rel="icon" href="data:," />
  </head>
  <body>
    <redoc spec-url="/openapi.json"></redoc>
    <script src="/docs/redoc.standalone.js"></script>
  </body>
</html>
`;

// Redoc's styles are injected at run time (styled-components) and its search runs in a worker it
// starts from a blob, hence 'unsafe-inline' for styles and blob: for workers, on this page only.
// Its footer asks cdn.redoc.ly for a logo; the policy refuses that, and Redoc then shows no logo.
const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function apiReference(): Router {
  if (!existsSync(join(assetsDir, "redoc.standalone.js")))
    throw new Error(`${assetsDir} has no redoc.standalone.js: build the gateway (npm run build)`);
  const router = express.Router();
  router.use((_request, response, next) => {
    response.setHeader("Content-Security-Policy", contentSecurityPolicy);
    next();
  });
  router.get("/", (_request, response) => {
    response.type("html").send(page);
  });
  router.use(express.static(assetsDir, { index: false, maxAge: "1h" }));
  return router;
}
