/**
 * `npm run loupe -- --url`: the real CLI as a child process against a real
 * HTTP server (node:http in front of the server's own /api/v1 and /api/trpc
 * handlers) with API tokens: the server's checks decide, the CLI reports them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { desc, eq, sql } from "drizzle-orm";
import { incomingMessageToRequest } from "@trpc/server/adapters/node-http";
import { auditEvents, labels, modelVersions } from "@/db/schema";
import type { TokenScope } from "@/lib/constants";
import { setDbHandle } from "@/server/db";
import { serveTrpc } from "@/server/http/http-node";
import { handleRestRequest, REST_PREFIX } from "@/server/http/rest/handler";
import { handleExportRequest } from "@/server/http/export-route";
import { createApiToken, revokeApiToken } from "@/server/services/api-tokens";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, makeProject, makeUser } from "@/test/factories";
import { useDemoHttpEnv } from "@/test/http-env";
import { loupe, tinyCatalogue } from "./loupe.test-helpers";

useDemoHttpEnv("loupe-cli-http-");

const SLOW = 180_000;

const EXPORT_PATH = /^\/api\/projects\/([^/?]+)\/export(?:\?|$)/;

async function serveRest(req: IncomingMessage, res: ServerResponse, h: TestDb): Promise<void> {
  const request = incomingMessageToRequest(req, res, { maxBodySize: 1024 * 1024 });
  const exportOf = EXPORT_PATH.exec(req.url ?? "");
  const response = exportOf?.[1]
    ? await handleExportRequest(request, { db: h.db, sessionSecret: "unused-by-bearer-calls" }, exportOf[1])
    : await handleRestRequest(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

describe.each(dbTargets())("loupe --url on $name", (target) => {
  let h: TestDb;
  let server: Server;
  let url: string;
  let projectId: number;
  let slug: string;
  let owner: { id: number; isAdmin: boolean };
  let token: (scopes: TokenScope[]) => Promise<{ id: number; token: string }>;
  const env: NodeJS.ProcessEnv = { NODE_ENV: "test", PATH: process.env.PATH, HOME: process.env.HOME };

  beforeAll(async () => {
    h = await createTestDb(target);
    setDbHandle(h);
    owner = await makeUser(h.db);
    const { project } = await makeProject(h.db);
    await addMember(h.db, project.id, owner.id, "ml_engineer");
    projectId = project.id;
    slug = project.slug;
    token = (scopes) => createApiToken(h.db, { actor: owner, name: "cli", scopes, expiresInDays: 1 });
    server = createServer((req, res) => {
      const rest = req.url?.startsWith(`${REST_PREFIX}/`) || EXPORT_PATH.test(req.url ?? "");
      const served = rest ? serveRest(req, res, h) : serveTrpc(req, res);
      served.catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, SLOW);
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await h?.drop();
  });

  it(
    "reads the status with a read token (by id, and by slug with LOUPE_TOKEN)",
    async () => {
      const read = await token(["read"]);
      const r = await loupe(
        env,
        "status",
        "--url",
        url,
        "--token",
        read.token,
        "--project",
        String(projectId),
        "--json",
      );
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ id: projectId, categoryCount: 3, activeModelVersion: null });
      const bySlug = await loupe({ ...env, LOUPE_TOKEN: read.token }, "status", "--url", url, "-p", slug);
      expect(bySlug.code, bySlug.stderr).toBe(0);
      expect(bySlug.stdout).toContain(`project #${projectId} ${slug}`);
    },
    SLOW,
  );

  it(
    "prints the server's refusal of a token lacking the scope, exit code 1, and queues nothing",
    async () => {
      const read = await token(["read"]);
      const r = await loupe(env, "train", "--url", url, "--token", read.token, "-p", String(projectId));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('403 This API token lacks the "ml" scope');
      expect(await h.db.select().from(modelVersions).where(eq(modelVersions.projectId, projectId))).toEqual([]);
      const ml = await token(["read", "ml"]);
      const queued = await loupe(env, "train", "--url", url, "--token", ml.token, "-p", String(projectId), "--json");
      expect(queued.code, queued.stderr).toBe(0);
      expect(JSON.parse(queued.stdout)).toMatchObject({ version: 1, created: true });
      const taxonomy = path.join(tmpdir(), `loupe-cli-tax-${process.pid}.txt`);
      writeFileSync(taxonomy, "Audio > Radios\n");
      const noWrite = await loupe(env, "categories", "import", taxonomy, "--url", url, "--token", ml.token, "-p", slug);
      expect(noWrite.code).toBe(1);
      expect(noWrite.stderr).toContain('lacks the "write" scope');
    },
    SLOW,
  );

  it(
    "imports items in batches over REST with a write token, after checking the whole file here",
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "loupe-cli-http-"));
      const items = path.join(dir, "items.jsonl");
      writeFileSync(items, tinyCatalogue());
      const bad = path.join(dir, "bad.jsonl");
      writeFileSync(bad, '{"id":"a","title":"fine"}\n{"id":"b"}\n');
      const write = await token(["read", "write"]);
      const refused = await loupe(env, "import", bad, "--url", url, "--token", write.token, "-p", slug);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/nothing was sent[\s\S]*line 2/);
      const r = await loupe(env, "import", items, "--url", url, "--token", write.token, "-p", slug, "--json");
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ rows: 70, created: 70, labels: 60 });
      const again = await loupe(env, "import", items, "--url", url, "--token", write.token, "-p", slug, "--json");
      expect(JSON.parse(again.stdout)).toMatchObject({ rows: 70, created: 0, updated: 70 });
      const status = await loupe(env, "status", "--url", url, "--token", write.token, "-p", slug, "--json");
      expect(JSON.parse(status.stdout)).toMatchObject({ itemCounts: { pool: 55, test: 15 } });
      rmSync(dir, { recursive: true, force: true });
    },
    SLOW,
  );

  it(
    "says what needs the database, refuses a revoked token (401), and a missing token is a usage error",
    async () => {
      const t = await token(["read"]);
      const tokens = await loupe(env, "token", "list", "--url", url, "--token", t.token);
      // The export streams from the server with a read token, the same file as from the database.
      const exported = await loupe(env, "export", "-p", slug, "--format", "csv", "--url", url, "--token", t.token);
      expect(exported.code).toBe(0);
      const lines = exported.stdout.trim().split("\n");
      expect(lines[0]).toMatch(/^id,title,category,/);
      const [{ n } = { n: -1 }] = await h.db
        .select({ n: sql<number>`count(*)::int` })
        .from(labels)
        .where(eq(labels.projectId, projectId));
      expect(lines.length - 1).toBe(n);
      const [audit] = await h.db
        .select({ tokenId: auditEvents.apiTokenId })
        .from(auditEvents)
        .where(eq(auditEvents.action, "data.export"))
        .orderBy(desc(auditEvents.id))
        .limit(1);
      expect(audit?.tokenId).toBe(t.id);
      expect(tokens.code).toBe(1);
      expect(tokens.stderr).toContain("only with direct database access");
      await revokeApiToken(h.db, { actor: owner, tokenId: t.id });
      const revoked = await loupe(env, "status", "--url", url, "--token", t.token, "-p", String(projectId));
      expect(revoked.code).toBe(1);
      expect(revoked.stderr).toMatch(/^401 /);
      expect((await loupe(env, "status", "--url", url, "-p", "1")).code).toBe(2);
    },
    SLOW,
  );
});
