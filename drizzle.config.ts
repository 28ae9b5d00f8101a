import { defineConfig } from "drizzle-kit";

// Migrations are generated once from db/schema/ and serve both Postgres and PGlite.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/*.ts",
  out: "./db/migrations",
  casing: "snake_case",
});
