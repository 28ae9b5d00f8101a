import { defineConfig } from "vitest/config";

// With a Postgres to test against, the browser tests run a second time with the
// app on Postgres (LOUPE_E2E_DB=postgres); everything else covers both databases itself.
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

export default defineConfig({
  resolve: { alias: { "@": import.meta.dirname } },
  test: {
    exclude: ["node_modules/**", ".next/**", ".data/**"],
    environment: "node",
    // PGlite + migrations take seconds on 2 cores; model training longer.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    projects: [
      {
        extends: true as const,
        test: { name: "main", include: ["**/*.test.ts"], exclude: ["node_modules/**", ".next/**", ".data/**"] },
      },
      ...(onPostgres
        ? [
            {
              extends: true as const,
              test: { name: "e2e-postgres", include: ["e2e/**/*.e2e.test.ts"], env: { LOUPE_E2E_DB: "postgres" } },
            },
          ]
        : []),
    ],
  },
});
