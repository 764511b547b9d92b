// Preload (`node --require`) that runs the compiled app on CDK Terrain: every `require("cdktf")`
// is answered by the fork's `cdktn`, whose API is the same. Nothing else changes, so the synthesis
// can be compared with CDKTF's (test/terrain.test.ts).
const { registerHooks } = require("node:module");

registerHooks({
  resolve: (specifier, context, nextResolve) =>
    nextResolve(specifier === "cdktf" ? "cdktn" : specifier, context),
});
