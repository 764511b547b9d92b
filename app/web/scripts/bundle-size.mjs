// Prints what a first visit downloads: the scripts and stylesheets dist/index.html loads (with the
// chunks it preloads), raw and gzipped, and the gzipped JavaScript against the budget. It only
// prints: the budget is a figure to watch, not a gate.
import console from "node:console";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_KB = 150;
const dist = join(import.meta.dirname, "..", "dist");
const html = readFileSync(join(dist, "index.html"), "utf8");
const assets = [
  ...html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g),
].map((match) => match[1]);

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
let gzippedJs = 0;
console.log("First load (dist/index.html):");
for (const asset of [...new Set(assets)]) {
  const content = readFileSync(join(dist, asset));
  const gzipped = gzipSync(content, { level: 9 }).length;
  if (asset.endsWith(".js")) gzippedJs += gzipped;
  console.log(
    `  ${asset.padEnd(36)} ${kb(content.length).padStart(9)} raw ${kb(gzipped).padStart(9)} gzipped`,
  );
}
console.log(
  `JavaScript: ${kb(gzippedJs)} gzipped of a ${BUDGET_KB} KB budget (${Math.round((gzippedJs / (BUDGET_KB * 1024)) * 100)}%)`,
);
