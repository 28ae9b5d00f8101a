// @ts-check
import js from "@eslint/js";
import drizzle from "eslint-plugin-drizzle";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      ".next/**",
      ".data/**",
      ".scratch/**",
      "coverage/**",
      "bench/out/**",
      "next-env.d.ts",
      "db/migrations/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ["**/*.{ts,tsx,mts}"],
    plugins: { drizzle },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      // A service domain is entered through its index; files inside it import each other relatively.
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^@/server/services/[^/]+/.+",
              message: "Import a service domain through its index (@/server/services/<domain>).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["app/**/*.tsx", "app/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  {
    // Tests inside a domain may reach its private files.
    files: ["server/services/**/*.test.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // Numeric kernels index typed arrays with indices bounded by construction; `!` costs nothing
    // at run time there, where `?? 0` would add a branch to every step of a hot loop.
    files: ["ml/**"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
  {
    // In tests and benchmarks a wrong assumption should fail right there, which `rows[0]!.id` does.
    files: ["**/*.test.ts", "e2e/**", "test/**", "**/__tests__/**", "bench/**"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
