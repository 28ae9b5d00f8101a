/**
 * What every CLI command needs from Loupe, written once for both ways of
 * reaching it: the database directly (db-transport.ts: the same tRPC
 * procedures as the server, in this process) or a running server with an API
 * token (http-transport.ts). A command calls these and prints; it never knows which.
 */
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/routers/_app";

type In = inferRouterInputs<AppRouter>;
type Out = inferRouterOutputs<AppRouter>;

export type ProjectRef = { id: number; slug: string; name: string };
export type ProjectRow = ProjectRef & { description: string; role: string };
export type ProjectStatus = {
  id: number;
  slug: string;
  name: string;
  itemCounts: { pool: number; test: number };
  labelCounts: { human: number; auto: number; import: number };
  categoryCount: number;
  activeModelVersion: number | null;
};
export type TaxonomyInput = Omit<In["categories"]["import"], "projectId">;
export type TaxonomyPlan = Out["categories"]["import"];
export type VersionList = Out["models"]["list"];
export type TrainingProgress = Out["models"]["progress"];
export type Activation = { versionId: number; calibrationId: number | null; changed: boolean };
export type TrainRequested = { versionId: number; version: number; created: boolean };
export type TokenCreateInput = In["tokens"]["create"];
export type TokenCreated = Out["tokens"]["create"];
export type TokenList = Out["tokens"]["list"];
export type ProjectCreateInput = In["projects"]["create"];
export type UserCreateInput = In["users"]["create"] & { project?: string; role?: In["members"]["set"]["role"] };
export type UserCreated = {
  user: { id: number; email: string; isAdmin: boolean };
  generatedPassword: string | null;
  granted: { project: string; role: string } | null;
};

export type ItemImport = {
  file: string;
  format: "csv" | "jsonl";
  unknownCategories: "create" | "reject";
  onProgress: (p: { rows: number; elapsedMs: number }) => void;
};
export type ItemImportResult = {
  rows: number;
  created: number;
  updated: number;
  labels: number;
  categoriesCreated: number;
  ms: number;
  importId?: number;
};
export type LabelExport = { format: "csv" | "jsonl"; source?: "human" | "auto" | "import"; split?: "pool" | "test" };

export interface Transport {
  readonly kind: "db" | "http";
  /** A project by numeric id or slug (or, directly on the database, its name). */
  project(ref: string): Promise<ProjectRef>;
  listProjects(): Promise<ProjectRow[]>;
  createProject(input: ProjectCreateInput): Promise<ProjectRef>;
  /** The import's own project creation (`import --create-project`). */
  ensureProject(nameOrSlug: string): Promise<ProjectRef & { created: boolean }>;
  status(projectId: number): Promise<ProjectStatus>;
  importTaxonomy(projectId: number, input: TaxonomyInput): Promise<TaxonomyPlan>;
  importItems(projectId: number, input: ItemImport): Promise<ItemImportResult>;
  exportLabels(projectId: number, input: LabelExport): Promise<AsyncIterable<string>>;
  train(projectId: number): Promise<TrainRequested>;
  /** Runs a queued run in this process, when nothing else can (embedded PGlite); false: a worker will. */
  runTrainingHere(versionId: number): Promise<boolean>;
  progress(projectId: number, versionId: number): Promise<TrainingProgress>;
  versions(projectId: number): Promise<VersionList>;
  activate(projectId: number, versionId: number): Promise<Activation>;
  rollback(projectId: number, versionId?: number): Promise<Activation>;
  createToken(input: TokenCreateInput): Promise<TokenCreated>;
  listTokens(all: boolean): Promise<TokenList>;
  revokeToken(tokenId: number): Promise<unknown>;
  createUser(input: UserCreateInput): Promise<UserCreated>;
  close(): Promise<void>;
}

/** A mistake in the command line: exit code 2 and the usage. */
export class UsageError extends Error {}

/** A failure to report as is: exit code 1, the message on stderr, optional detail lines after it. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly lines: string[] = [],
  ) {
    super(message);
  }
}

export const DB_ONLY = (what: string) =>
  new CliError(`${what}: only with direct database access (drop --url; the REST API does not offer it)`);
