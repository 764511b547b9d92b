// One Jest configuration for the whole repository: `npm test` runs every package's tests.
// Tests sit beside the code they cover. Workspace libraries are mapped to their TypeScript sources
// so tests never run against stale builds; end-to-end tests start the built services as processes.
const tsJest = ["ts-jest", { tsconfig: "<rootDir>/tsconfig.json" }];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": tsJest },
  moduleNameMapper: {
    "^@parley/launcher$": "<rootDir>/app/launcher/src",
    "^@parley/([a-z-]+)$": "<rootDir>/app/libs/$1/src",
  },
  testMatch: ["<rootDir>/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/", "/cdktf.out/"],
  testTimeout: 30000,
};
