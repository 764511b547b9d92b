import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  base: "/",
  plugins: [preact()],
  resolve: {
    // The workspace libraries are bundled from their TypeScript sources, never from a stale dist/.
    alias: {
      "@parley/api-client": source("../libs/api-client/src/index.ts"),
      "@parley/backoff": source("../libs/backoff/src/index.ts"),
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Every browser that runs ES2022 supports modulepreload; the polyfill would be dead weight.
    modulePreload: { polyfill: false },
  },
});
