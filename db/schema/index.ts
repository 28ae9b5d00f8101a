/**
 * Loupe's schema, shared by Postgres and PGlite, one file per domain.
 * snake_case in SQL, camelCase in TypeScript. Ids are identity integers
 * (bigint-safe ranges are not needed at this scale; item ids stay dense so
 * pool scoring can be split into id ranges).
 */
export * from "./enums";
export * from "./accounts";
export * from "./projects";
export * from "./items";
export * from "./models";
export * from "./activity";
export * from "./label-suspects";
export * from "./integrations";
