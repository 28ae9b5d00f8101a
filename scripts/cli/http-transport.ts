/**
 * The CLI on a running server with an API token (`--url`, `--token` or
 * LOUPE_TOKEN): the REST API (/api/v1) where it has the route, the same
 * procedures over /api/trpc (which takes the same token) for the reads it
 * lacks (project list, versions, training progress) and the atomic taxonomy
 * import. The server checks the token's scopes and its owner's role; its
 * message is what the CLI prints. Accounts, projects and tokens are not
 * reachable with a token, by design.
 */
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "@/server/routers/_app";
import { importOverHttp } from "./http-import";
import {
  CliError,
  DB_ONLY,
  type ItemImport,
  type LabelExport,
  type ProjectRef,
  type ProjectStatus,
  type Transport,
} from "./transport";

type Problem = { title?: string; detail?: string; errors?: { field: string; message: string }[] };

export function openHttpTransport(opts: { url: string; token: string }): Transport {
  return new HttpTransport(opts.url.replace(/\/+$/, ""), opts.token);
}

class HttpTransport implements Transport {
  readonly kind = "http";
  private readonly trpc;

  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {
    this.trpc = createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${base}/api/trpc`,
          transformer: superjson,
          headers: { authorization: `Bearer ${token}` },
        }),
      ],
    });
  }

  private async rest<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new CliError(`Cannot reach ${this.base}: ${(err as Error).message}`);
    }
    const json = (await res.json().catch(() => null)) as unknown;
    if (res.ok) return json as T;
    const p = (json ?? {}) as Problem;
    throw new CliError(
      `${res.status} ${p.detail ?? p.title ?? res.statusText}`,
      (p.errors ?? []).map((e) => `${e.field}: ${e.message}`),
    );
  }

  /** tRPC errors carry the server's message (a scope, a role, a bad field); a dead server says so. */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof TRPCClientError) {
        const status = (err.data as { httpStatus?: number } | undefined)?.httpStatus;
        throw new CliError(status ? `${status} ${err.message}` : `Cannot reach ${this.base}: ${err.message}`);
      }
      throw err;
    }
  }

  async project(ref: string): Promise<ProjectRef> {
    if (/^\d+$/.test(ref)) return { id: Number(ref), slug: ref, name: ref };
    const found = (await this.listProjects()).find((p) => p.slug === ref || p.name === ref);
    if (!found) throw new CliError(`No project "${ref}" visible to this token`);
    return found;
  }

  listProjects() {
    return this.call(() => this.trpc.projects.list.query());
  }

  createProject(): never {
    throw DB_ONLY("project create");
  }

  ensureProject(): never {
    throw DB_ONLY("import --create-project");
  }

  status(projectId: number) {
    return this.rest<ProjectStatus>("GET", `/projects/${projectId}/status`);
  }

  importTaxonomy(projectId: number, input: Parameters<Transport["importTaxonomy"]>[1]) {
    return this.call(() => this.trpc.categories.import.mutate({ ...input, projectId }));
  }

  importItems(projectId: number, input: ItemImport) {
    return importOverHttp(input, (items) =>
      this.rest("POST", `/projects/${projectId}/items`, { items, unknownCategories: input.unknownCategories }),
    );
  }

  /** The same streamed export the page downloads, authorised by the token (read scope). */
  async exportLabels(projectId: number, input: LabelExport): Promise<AsyncIterable<string>> {
    const query = new URLSearchParams({ format: input.format });
    if (input.source) query.set("source", input.source);
    if (input.split) query.set("split", input.split);
    let res: Response;
    try {
      res = await fetch(`${this.base}/api/projects/${projectId}/export?${query.toString()}`, {
        method: "POST",
        headers: { authorization: `Bearer ${this.token}` },
      });
    } catch (err) {
      throw new CliError(`Cannot reach ${this.base}: ${(err as Error).message}`);
    }
    if (!res.ok || !res.body) {
      const json = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      throw new CliError(`${res.status} ${json?.error?.message ?? res.statusText}`);
    }
    const reader = res.body.getReader();
    return (async function* () {
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield decoder.decode(value, { stream: true });
      }
      const rest = decoder.decode();
      if (rest) yield rest;
    })();
  }

  train(projectId: number) {
    return this.rest<Awaited<ReturnType<Transport["train"]>>>("POST", `/projects/${projectId}/training`);
  }

  async runTrainingHere() {
    return false; // the server's worker runs it
  }

  progress(projectId: number, versionId: number) {
    return this.call(() => this.trpc.models.progress.query({ projectId, versionId }));
  }

  versions(projectId: number) {
    return this.call(() => this.trpc.models.list.query({ projectId, limit: 100 }));
  }

  activate(projectId: number, versionId: number) {
    return this.rest<Awaited<ReturnType<Transport["activate"]>>>(
      "POST",
      `/projects/${projectId}/models/${versionId}/activate`,
    );
  }

  rollback(projectId: number, versionId?: number) {
    return this.rest<Awaited<ReturnType<Transport["rollback"]>>>("POST", `/projects/${projectId}/models/rollback`, {
      ...(versionId === undefined ? {} : { versionId }),
    });
  }

  createToken(): never {
    throw DB_ONLY("token create (tokens cannot mint tokens)");
  }

  listTokens(): never {
    throw DB_ONLY("token list");
  }

  revokeToken(): never {
    throw DB_ONLY("token revoke");
  }

  createUser(): never {
    throw DB_ONLY("user create");
  }

  async close() {}
}
