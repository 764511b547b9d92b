// One lint setup for the whole repository; formatting is Prettier's job (see .prettierrc.json).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/coverage/**",
      "app/libs/contracts/src/gen/**",
      "app/libs/api-client/src/gen/**",
      "cdktf/cdktf.out/**",
      "cdktf/.gen/**",
      ".local/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": "error",
      eqeqeq: ["error", "smart"],
    },
  },
  {
    files: [
      "**/*.test.ts",
      "**/test-support/**",
      "app/launcher/**",
      "app/e2e/**",
      "app/bench/**",
      "app/containers/**",
      "app/libs/api-client/src/generate.ts",
      "**/*.js",
      "**/*.mjs",
    ],
    rules: { "no-console": "off" },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { require: "readonly", module: "writable", __dirname: "readonly", process: "readonly" },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  prettier,
);
