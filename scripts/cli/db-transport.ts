/**
 * The CLI on the database itself (DATABASE_URL, or the demo's PGlite folder:
 * with PGlite, run it while the server is stopped). With `--as EMAIL` every
 * call goes through the server's own tRPC procedures in this process, so the
 * same input validation, role checks and audit actor apply; uploads and
 * downloads, which are HTTP routes on the server, check the same CAN roles here.
 * Without --as the CLI is the system actor, as the old import/export scripts
 * were: no role check, audit events with no actor.
 */
import { createReadStream } from "node:fs";
import path from "node:path";
import { and, eq, isNull } from "drizzle-orm";
import type { DbHandle } from "@/db/client";
import { projects } from "@/db/schema";
import { CAN, type Role } from "@/lib/constants";
import { getDbHandle } from "@/server/db";
import { appRouter } from "@/server/routers/_app";
import { createCallerFactory } from "@/server/trpc";
import { importTaxonomy } from "@/server/services/categories";
import { exportLabels } from "@/server/services/exports";
import { importItems } from "@/server/services/imports";
import { activateVersion, getTrainingProgress, listModels, rollbackVersion } from "@/server/services/models";
import type { SessionUser } from "@/server/services/auth";
import { roleInProject } from "@/server/services/auth";
import {
  createProject,
  ensureProjectForCli,
  findProjectBySlugOrName,
  getProjectOverview,
  listMyProjects,
} from "@/server/services/projects";
import { requestTraining, runTraining } from "@/server/services/training";
import { createUser, findUserByEmail } from "@/server/services/users";
import { getProjectBySlug, setMember } from "@/server/services/projects";
import { CliError, type ProjectRef, type Transport, type UserCreateInput, type UserCreated } from "./transport";

const createCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof createCaller>;

/** Sees every project, for the system actor's reads. */
const SYSTEM_READER: SessionUser = { id: 0, email: "", name: "command line", isAdmin: true };

export async function openDbTransport(opts: { as?: string; epochs?: number }): Promise<Transport> {
  const handle = await getDbHandle();
  let user: SessionUser | null = null;
  if (opts.as) {
    const found = await findUserByEmail(handle.db, opts.as);
    if (!found || found.disabledAt) {
      await handle.close();
      throw new CliError(`--as ${opts.as}: no such user${found ? " (the account is disabled)" : ""}`);
    }
    user = { id: found.id, email: found.email, name: found.name, isAdmin: found.isAdmin };
  }
  return new DbTransport(handle, user);
}

class DbTransport implements Transport {
  readonly kind = "db";
  private readonly caller: Caller | null;

  constructor(
    private readonly handle: DbHandle,
    private readonly user: SessionUser | null,
  ) {
    this.caller = user
      ? createCaller({
          db: handle.db,
          user,
          sessionToken: null,
          sessionSecret: "",
          sessionTtlHours: 0,
          clientKey: "cli",
          secureCookies: false,
        })
      : null;
  }

  private get db() {
    return this.handle.db;
  }

  private get actorId(): number | null {
    return this.user?.id ?? null;
  }

  /** The check the upload and download routes make (authorise.ts), for --as. */
  private async requireRole(projectId: number, roles: readonly Role[]): Promise<void> {
    if (!this.user) return;
    const role = await roleInProject(this.db, this.user, projectId);
    if (!role) throw new CliError("Project not found");
    if (!roles.includes(role)) throw new CliError(`Your role (${role}) cannot do that in this project`);
  }

  private needUser(what: string): SessionUser {
    if (!this.user) throw new CliError(`${what} belongs to a user: pass --as EMAIL`);
    return this.user;
  }

  /** An archived project is not found, as for everyone on the server. */
  async project(ref: string): Promise<ProjectRef> {
    const id = /^\d+$/.test(ref) ? Number(ref) : (await findProjectBySlugOrName(this.db, ref))?.id;
    const cols = { id: projects.id, slug: projects.slug, name: projects.name };
    const [found] = id
      ? await this.db
          .select(cols)
          .from(projects)
          .where(and(eq(projects.id, id), isNull(projects.archivedAt)))
      : [];
    if (!found) throw new CliError(`No project "${ref}"`);
    return found;
  }

  listProjects() {
    return this.caller ? this.caller.projects.list() : listMyProjects(this.db, { actor: SYSTEM_READER });
  }

  async createProject(input: Parameters<Transport["createProject"]>[0]) {
    return this.caller ? this.caller.projects.create(input) : createProject(this.db, { ...input, actorId: null });
  }

  async ensureProject(nameOrSlug: string) {
    const existing = await findProjectBySlugOrName(this.db, nameOrSlug);
    if (existing) return { ...existing, created: false };
    if (!this.caller) return ensureProjectForCli(this.db, nameOrSlug);
    const slug = nameOrSlug
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
    return { ...(await this.caller.projects.create({ slug, name: nameOrSlug, description: "" })), created: true };
  }

  async status(projectId: number) {
    return this.caller ? this.caller.projects.get({ projectId }) : getProjectOverview(this.db, { projectId });
  }

  importTaxonomy(projectId: number, input: Parameters<Transport["importTaxonomy"]>[1]) {
    return this.caller
      ? this.caller.categories.import({ ...input, projectId })
      : importTaxonomy(this.db, { ...input, parents: input.parents ?? false, projectId, actorId: null });
  }

  async importItems(projectId: number, input: Parameters<Transport["importItems"]>[1]) {
    await this.requireRole(projectId, CAN.importData);
    return importItems(this.db, {
      projectId,
      actorId: this.actorId,
      source: createReadStream(input.file),
      format: input.format,
      filename: path.basename(input.file),
      unknownCategories: input.unknownCategories,
      onProgress: input.onProgress,
    });
  }

  async exportLabels(projectId: number, input: Parameters<Transport["exportLabels"]>[1]) {
    await this.requireRole(projectId, CAN.exportData);
    return (await exportLabels(this.db, { ...input, projectId, actorId: this.actorId })).chunks;
  }

  train(projectId: number) {
    return this.caller
      ? this.caller.models.train({ projectId })
      : requestTraining(this.db, { projectId, actorId: null, trigger: "manual" });
  }

  /**
   * PGlite is this process's alone, so nothing else can run the job: run it here. On Postgres a
   * worker (npm run worker, or the web process's) claims it; running it here too would race it.
   */
  async runTrainingHere(versionId: number): Promise<boolean> {
    if (this.handle.kind !== "pglite") return false;
    const outcome = await runTraining(this.db, versionId);
    if (outcome.outcome === "failed") throw new CliError(`Training failed: ${outcome.error ?? "unknown error"}`);
    return true;
  }

  async progress(projectId: number, versionId: number) {
    return this.caller
      ? this.caller.models.progress({ projectId, versionId })
      : getTrainingProgress(this.db, { projectId, versionId });
  }

  versions(projectId: number) {
    return this.caller
      ? this.caller.models.list({ projectId, limit: 100 })
      : listModels(this.db, { projectId, limit: 100 });
  }

  activate(projectId: number, versionId: number) {
    return this.caller
      ? this.caller.models.activate({ projectId, versionId })
      : activateVersion(this.db, { projectId, versionId, actorId: null, reason: "manual" });
  }

  rollback(projectId: number, versionId?: number) {
    return this.caller
      ? this.caller.models.rollback({ projectId, versionId })
      : rollbackVersion(this.db, { projectId, versionId, actorId: null });
  }

  createToken(input: Parameters<Transport["createToken"]>[0]) {
    this.needUser("An API token");
    return (this.caller as Caller).tokens.create(input);
  }

  listTokens(all: boolean) {
    this.needUser("An API token");
    return (this.caller as Caller).tokens.list({ all, limit: 100 });
  }

  revokeToken(tokenId: number) {
    this.needUser("An API token");
    return (this.caller as Caller).tokens.revoke({ tokenId });
  }

  /** The first admin comes from here (no --as); with --as, the users and members procedures (instance admins). */
  async createUser(input: UserCreateInput): Promise<UserCreated> {
    const { project: slug, role, ...fields } = input;
    // Look the project up first, so a typo in the slug creates nothing.
    const project = slug ? await getProjectBySlug(this.db, { slug }) : null;
    if (slug && !project) throw new CliError(`No project with slug "${slug}"`);
    const made = this.caller
      ? await this.caller.users.create(fields)
      : await createUser(this.db, { ...fields, actorId: null });
    if (project && role) {
      const grant = { projectId: project.id, email: made.user.email, role };
      await (this.caller ? this.caller.members.set(grant) : setMember(this.db, { ...grant, actorId: null }));
    }
    return { ...made, granted: project && role ? { project: project.slug, role } : null };
  }

  close() {
    return this.handle.close();
  }
}
