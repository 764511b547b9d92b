// One Jest configuration for the whole repository: `npm test` runs every package's tests.
// Tests sit beside the code they cover. Workspace libraries are mapped to their TypeScript sources
// so tests never run against stale builds; end-to-end tests start the built services as processes.
// Tests named *.containers.test.ts build the images and run them in a Docker engine; they form a
// project of their own that `npm test` runs after the main one, alone (image builds take both cores).
// Tests named *.disruptive.test.ts stop shared servers (the broker, PostgreSQL): they form a
// project of their own that `npm test` runs alone, one file at a time, after all the others.
const tsJest = ["ts-jest", { tsconfig: "<rootDir>/tsconfig.json" }];

const shared = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": tsJest },
  moduleNameMapper: {
    "^@parley/launcher$": "<rootDir>/app/launcher/src",
    "^@parley/containers$": "<rootDir>/app/containers/src",
    "^@parley/messaging/send-path$": "<rootDir>/app/services/messaging/src/send-path",
    "^@parley/([a-z-]+)$": "<rootDir>/app/libs/$1/src",
  },
  testPathIgnorePatterns: ["/node_modules/", "/dist/", "/cdktf.out/"],
  testTimeout: 30000,
};

/** @type {import('jest').Config} */
module.exports = {
  // A global option: inside `projects` Jest ignores it (hooks there got the 5 s default).
  testTimeout: shared.testTimeout,
  projects: [
    {
      ...shared,
      displayName: "main",
      testMatch: ["<rootDir>/**/*.test.ts"],
      testPathIgnorePatterns: [
        ...shared.testPathIgnorePatterns,
        "\\.disruptive\\.test\\.ts$",
        "\\.containers\\.test\\.ts$",
      ],
    },
    { ...shared, displayName: "containers", testMatch: ["<rootDir>/**/*.containers.test.ts"] },
    { ...shared, displayName: "disruptive", testMatch: ["<rootDir>/**/*.disruptive.test.ts"] },
  ],
};
