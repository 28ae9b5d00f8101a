/**
 * The adversarial input suite: every procedure of the app router (read from the
 * router itself, as the access matrix does, so a new procedure is covered
 * without editing this file) gets bad inputs generated from its zod input
 * schema (test/adversarial-inputs.ts), sent through the HTTP entry
 * (handleTrpcRequest: body limit, superjson, tRPC's HTTP error mapping) by a
 * caller allowed to call it: the project's admin (a role every project
 * procedure admits), or an instance admin for instance-admin procedures.
 *
 * Every probe must get a 4xx with a message, never a 500. A probe the input
 * schema refuses must leave the database fingerprint unchanged; a probe the
 * schema accepts (a Unicode title, an unknown key that is stripped) may do what
 * a valid call does, but if the service then refuses it, nothing may have changed.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import superjson from "superjson";
import type { z } from "zod";
import { ROLES, type Role } from "@/lib/constants";
import { appRouter } from "@/server/routers/_app";
import { setDbHandle } from "@/server/db";
import { env } from "@/server/env";
import { handleTrpcRequest } from "@/server/http/http";
import { createSession, getSessionUser, type SessionUser } from "@/server/services/auth";
import { createApiToken } from "@/server/services/api-tokens";
import type { Access } from "@/server/trpc";
import {
  type Deep,
  probesFor,
  replaceDeep,
  wireProbes,
  type IdRefs,
  type IdSets,
  type Probe,
} from "@/test/adversarial-inputs";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { snapshotDb, type DbSnapshot } from "@/test/db-snapshot";
import { addMember, makeProject, makeUser } from "@/test/factories";
import { TEST_HOST, TEST_ORIGIN, useDemoHttpEnv } from "@/test/http-env";
import { activateModel } from "@/test/queue-fixtures";
import { insertItems } from "./fixtures";

useDemoHttpEnv("loupe-adversarial-");

type ProcDef = { type: "query" | "mutation" | "subscription"; inputs: z.ZodType[]; meta?: { access?: Access } };
const PROCEDURES = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: ProcDef }>)
  .map(([path, p]) => ({ path, type: p._def.type, inputs: p._def.inputs, access: p._def.meta?.access }))
  .filter((p) => p.type !== "subscription");

/**
 * Each procedure runs as the project's admin (or an instance admin), then a sample of the
 * probes again as the lowest role it admits, whose code paths differ (an annotator's view of an item).
 */
type Run = (typeof PROCEDURES)[number] & { as: Role | "instance_admin" };
const RUNS: Run[] = PROCEDURES.flatMap((p): Run[] => {
  if (p.access?.kind === "instance_admin") return [{ ...p, as: "instance_admin" }];
  const lowest = p.access?.kind === "project" ? p.access.roles.find((r) => r !== "admin") : undefined;
  return [{ ...p, as: "admin" }, ...(lowest ? [{ ...p, as: lowest }] : [])];
});
const LOWEST_ROLE_SAMPLE = /another project|^input|RTL|NUL|surrogate|1 MB|10k-deep|NaN|2\^31|wire: not JSON/;

/** Raise these as the API grows: a walker that silently stops generating must fail. */
const MIN_PROCEDURES = 50;
const MIN_PROBES_PER_DATABASE = 5_000;
/** Keys superjson refuses to send; a hostile client is not so polite, so they go in as text. */
const POLLUTING = ["__proto__", "constructor", "prototype"];

/**
 * Bookkeeping a refused call may write: a token's last use, a session's last-seen time (any
 * call through it, once per resolution: auth/sessions.ts; a slow run of probes crosses one);
 * a refused login (or a wrong current password when changing it) is counted; a
 * refused import is logged as a failed run in the import history (import-items.ts, logRefusedRun).
 */
const IGNORE_COLUMNS = { api_tokens: ["last_used_at"], sessions: ["last_seen_at"] };
const BOOKKEEPING_TABLES: Record<string, string[]> = {
  "auth.login": ["login_failures"],
  "auth.changePassword": ["login_failures"],
  "data.importFile": ["imports"],
  "data.upsertItems": ["imports"],
};

/** What a refusal must not tell the caller: the engine's or the database's own words. */
const LEAKS =
  /call stack|Failed query|syntax error|violates|duplicate key|relation "|out of range for type|invalid byte sequence|at Object\.|node_modules/i;

/**
 * Where the first enum value and the required fields alone make a base input the service
 * refuses, whatever the probed field holds: what makes it one it would take.
 */
const BASE_OVERRIDES: Record<string, (ids: IdSets) => Record<string, unknown>> = {
  // "accept" needs a model suggestion on the item; a correction names its category.
  "annotations.submit": (ids) => ({ action: "correct", categoryId: ids.target.category }),
};

/** The lease again when it is gone, and only then (a live lease is left as it is). */
const REGRANT_SQL = `insert into leases (item_id, project_id, user_id, reason, expires_at, token)
  values ($1, $2, $3, 'random', now() + interval '1 hour', $4)
  on conflict (item_id) do nothing
  returning token`;

/**
 * Each probe a decision of its own: a new idempotency key in place of the base input's, which
 * every probe shares (a stored key makes the call a replay, whatever else it holds).
 */
function freshKey(body: string, probe: Probe): string {
  const key = (probe.input as { idempotencyKey?: unknown } | null)?.idempotencyKey;
  return typeof key === "string" && /^[0-9a-f-]{36}$/.test(key) ? body.split(key).join(randomUUID()) : body;
}

/** The item's lease, held by the user with this token (taken over, or made anew). */
const LEASE_SQL = `insert into leases (item_id, project_id, user_id, reason, expires_at, token)
  values ($1, $2, $3, 'random', now() + interval '1 hour', $4)
  on conflict (item_id) do update set user_id = excluded.user_id, token = excluded.token, expires_at = excluded.expires_at
  returning token`;

type Outcome = { status: number; code: string; message: string };

/** The request body (or query input) a client would send for a probe, as text. */
function wireText(probe: Probe): string {
  if (probe.raw !== undefined) return probe.raw;
  // superjson carries NaN, Infinity, dates and undefined as the client would send them;
  // a 10k-deep value is spliced in as text (see Deep).
  const deep: Deep[] = [];
  const marked = replaceDeep(
    probe.input,
    (d) => `\u0001deep${deep.push(d) - 1}\u0001`,
    (k) => (POLLUTING.includes(k) ? `\u0001${k}` : k),
  );
  let body = JSON.stringify(superjson.serialize(marked));
  deep.forEach((d, i) => (body = body.replace(`"\\u0001deep${i}\\u0001"`, () => d.toJson())));
  for (const k of POLLUTING) body = body.replaceAll(`"\\u0001${k}"`, `"${k}"`);
  return body;
}

function requestFor(path: string, type: "query" | "mutation", body: string, cookie: string): Request {
  const headers = { host: TEST_HOST, cookie };
  if (type === "query")
    return new Request(`${TEST_ORIGIN}/api/trpc/${path}?input=${encodeURIComponent(body)}`, { headers });
  return new Request(`${TEST_ORIGIN}/api/trpc/${path}`, {
    method: "POST",
    headers: { ...headers, origin: TEST_ORIGIN, "content-type": "application/json" },
    body,
  });
}

async function send(req: Request): Promise<Outcome> {
  const res = await handleTrpcRequest(req);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const error = (parsed as { error?: { json?: { message?: string; data?: { code?: string } }; message?: string } })
    ?.error;
  return {
    status: res.status,
    code: error?.json?.data?.code ?? (res.ok ? "OK" : "?"),
    message: error?.json?.message ?? error?.message ?? "",
  };
}

function without(s: DbSnapshot, tables: string[]): DbSnapshot {
  return Object.fromEntries(Object.entries(s).filter(([t]) => !tables.includes(t)));
}

/**
 * What the input schema makes of a probe's text, decoded as the server decodes it
 * (superjson drops a "__proto__" key, for one); no parser: anything goes.
 */
function schemaAccepts(inputs: z.ZodType[], body: string): boolean {
  let value: unknown;
  try {
    value = superjson.deserialize(JSON.parse(body) as Parameters<typeof superjson.deserialize>[0]);
  } catch {
    return false;
  }
  return inputs.every((s) => s.safeParse(value).success);
}

const short = (p: Probe) => p.what.slice(0, 120);

describe.each(dbTargets())("adversarial inputs on $name", (target) => {
  let h: TestDb;
  let member: SessionUser;
  let instanceAdmin: SessionUser;
  let ids: IdSets;
  const cookies = new Map<number, string>();
  const tried = new Map<string, number>();
  const procedures = new Set<string>();
  const roleUsers = new Map<Role, SessionUser>();
  let headerProbes = 0;
  const accepted: string[] = [];

  /** The user's session cookie, and whether it had to be made anew (an accepted auth.logout ends it). */
  async function cookieFor(user: SessionUser): Promise<{ cookie: string; fresh: boolean }> {
    const known = cookies.get(user.id);
    if (known && (await getSessionUser(h.db, known.split("=")[1] ?? "", env().sessionSecret)))
      return { cookie: known, fresh: false };
    const { token } = await createSession(h.db, { userId: user.id, secret: env().sessionSecret, ttlHours: 1 });
    const cookie = `loupe_session=${token}`;
    cookies.set(user.id, cookie);
    return { cookie, fresh: true };
  }

  /** A project with items, categories, an annotation, a model version and a member who is no one else's. */
  async function seedProject(name: string, admin: SessionUser | null) {
    const { project, categories } = await makeProject(h.db, { name });
    const itemRows = await insertItems(h, project.id, ["one", "two", "three"]);
    await insertItems(h, project.id, ["test one"], "test");
    const other = await makeUser(h.db);
    await addMember(h.db, project.id, other.id, "annotator");
    if (admin) await addMember(h.db, project.id, admin.id, "admin");
    // The project's own admin made the annotation and holds the lease: an undo or a release of them is valid.
    const holder = admin ?? other;
    const idempotency = randomUUID();
    const { rows: made } = await h.executeSql(
      "insert into annotations (project_id, item_id, user_id, category_id, action, idempotency_key) values ($1, $2, $3, $4, 'correct', $5) returning id",
      [project.id, itemRows[0]!.id, holder.id, categories[0]!.id, idempotency],
    );
    const annotationId = Number(made[0]!.id);
    const { rows: leased } = await h.executeSql(LEASE_SQL, [itemRows[0]!.id, project.id, holder.id, randomUUID()]);
    const { rows: ext } = await h.executeSql("select external_id from items where id = $1", [itemRows[0]!.id]);
    const modelId = await activateModel(
      h.db,
      project.id,
      categories.map((c) => c.id),
    );
    const token = await createApiToken(h.db, {
      actor: admin ?? other,
      name: "adv",
      scopes: ["read"],
      expiresInDays: 1,
    });
    const ref: IdRefs = {
      lease: String(leased[0]!.token),
      idempotency,
      external: String(ext[0]!.external_id),
      project: project.id,
      item: itemRows[0]!.id,
      category: categories[0]!.id,
      user: other.id,
      annotation: annotationId,
      model: modelId,
      token: token.id,
    };
    return ref;
  }

  beforeAll(async () => {
    h = await createTestDb(target);
    setDbHandle(h);
    member = await makeUser(h.db, { email: "adversary@example.test" });
    instanceAdmin = await makeUser(h.db, { isAdmin: true });
    const targetIds = await seedProject(`Target ${randomBytes(3).toString("hex")}`, member);
    for (const role of ROLES.filter((r) => r !== "admin")) {
      const user = await makeUser(h.db, { email: `adversary-${role}@example.test` });
      await addMember(h.db, targetIds.project, user.id, role);
      roleUsers.set(role, user);
    }
    const otherIds = await seedProject(`Other ${randomBytes(3).toString("hex")}`, null);
    ids = { target: targetIds, other: otherIds };
  });
  afterAll(async () => {
    const total = [...tried.values()].reduce((a, b) => a + b, headerProbes);
    console.log(
      `adversarial inputs on ${target.name}: ${total} probes over ${procedures.size} procedures (${headerProbes} of them session headers); ` +
        `${accepted.length} accepted as valid by their schema and service`,
    );
    if (process.env.ADVERSARIAL_LOG) console.log(accepted.join("\n"));
    await h?.drop();
  });

  it("has every role admit the caller it uses", () => {
    for (const p of PROCEDURES) if (p.access?.kind === "project") expect(p.access.roles, p.path).toContain("admin");
  });

  it.each(RUNS)("$path ($type) as $as", async ({ path, type, inputs, access, as }) => {
    const caller = as === "instance_admin" ? instanceAdmin : as === "admin" ? member : roleUsers.get(as);
    if (!caller) throw new Error(`no ${as} in the target project`);
    const all = [
      ...probesFor(inputs[0] ?? null, ids, BASE_OVERRIDES[path]?.(ids)),
      ...wireProbes(inputs[0] ?? null, ids),
    ];
    // The lowest role runs a sample (ids of another project, whole inputs, Unicode), not the whole set again.
    const probes = as === "admin" || as === "instance_admin" ? all : all.filter((p) => LOWEST_ROLE_SAMPLE.test(p.what));
    tried.set(`${path} as ${as}`, probes.length);
    procedures.add(path);
    const ignoreTables = BOOKKEEPING_TABLES[path] ?? [];
    const snap = async () => without(await snapshotDb(h, IGNORE_COLUMNS), ignoreTables);
    const failures: string[] = [];

    // Probes the schema refuses run back to back around one fingerprint; each probe it
    // accepts gets fingerprints of its own, so a valid call's effect is not mistaken for a leak.
    await cookieFor(caller);
    // The target's lease again (an accepted release or submit of an earlier procedure ends it), so a submit can get past it.
    await h.executeSql(LEASE_SQL, [ids.target.item, ids.target.project, member.id, ids.target.lease]);
    let before = await snap();
    const otherProject = async () => projectFingerprint(h, ids.other.project);
    const otherBefore = await otherProject();
    let lastOk = false;
    for (const probe of probes) {
      const body = freshKey(wireText(probe), probe);
      // An accepted decision ends the lease: give it back, so the next probe reaches the decision too.
      const { rows: regranted } = await h.executeSql(REGRANT_SQL, [
        ids.target.item,
        ids.target.project,
        member.id,
        ids.target.lease,
      ]);
      if (regranted.length > 0) {
        if (!lastOk) failures.push(`${short(probe)}: a refused probe before it ended the lease`);
        before = await snap();
      }
      const valid = schemaAccepts(inputs, body);
      const { cookie, fresh } = await cookieFor(caller);
      // The new session is this test's own write; only an accepted call may have ended the old one.
      if (fresh && !lastOk) failures.push(`${short(probe)}: a refused probe before it ended the caller's session`);
      if (valid || fresh) before = await snap();
      const got = await send(requestFor(path, type as "query" | "mutation", body, cookie));
      const ok = got.status === 200;
      lastOk = ok;
      // 401 is a refusal only for a public procedure (a wrong password): anywhere else the caller's session was lost.
      const unauthorised = got.status === 401 && access?.kind !== "public";
      if (!ok && (got.status < 400 || got.status >= 500 || unauthorised))
        failures.push(`${short(probe)} → ${got.status} ${got.code} ${got.message}`);
      else if (!ok && !got.message.trim()) failures.push(`${short(probe)} → ${got.status} without a message`);
      else if (!ok && LEAKS.test(got.message)) failures.push(`${short(probe)} → ${got.status} leaks: ${got.message}`);
      else if (ok && !valid) failures.push(`${short(probe)} → 200 though the schema refuses it`);
      if (ok) accepted.push(`${path}: ${short(probe)}`);
      if (valid) {
        const after = await snap();
        if (!ok && JSON.stringify(after) !== JSON.stringify(before))
          failures.push(`${short(probe)} → ${got.status} but changed ${changed(before, after)}`);
        before = after;
      }
    }
    const after = await snap();
    if (JSON.stringify(after) !== JSON.stringify(before))
      failures.push(`refused probes changed ${changed(before, after)}`);
    // Accepted or not, nothing sent in the target project's name may touch the other project.
    if (type === "mutation" && (await otherProject()) !== otherBefore)
      failures.push(`a probe changed the other project's rows`);
    expect(failures, `${path}: ${probes.length} probes`).toEqual([]);
  });

  it("answers a hostile session cookie or bearer token with a 401, never a 500", async () => {
    const cookies = ["%00", "a%00b", "%E2%80%AE", "%F0%9F%99%82", "%", "%zz", "x".repeat(8_000), "=", "a.b.c", "ÿ"];
    const bearers = ["loupe_pat_", "loupe_pat_\u00ff", "x".repeat(8_000), "Bearer", "a b"];
    const requests = [
      ...cookies.map((c) => ({ what: `cookie ${c.slice(0, 20)}`, headers: { cookie: `loupe_session=${c}` } })),
      ...bearers.map((b) => ({ what: `bearer ${b.slice(0, 20)}`, headers: { authorization: `Bearer ${b}` } })),
    ];
    const failures: string[] = [];
    for (const { what, headers } of requests) {
      for (const path of ["auth.me", "projects.list"]) {
        const input = encodeURIComponent(JSON.stringify({ json: null }));
        const res = await handleTrpcRequest(
          new Request(`${TEST_ORIGIN}/api/trpc/${path}?input=${input}`, { headers: { host: TEST_HOST, ...headers } }),
        );
        if (res.status !== 401) failures.push(`${path} with ${what} → ${res.status}`);
      }
    }
    headerProbes = requests.length * 2;
    expect(failures).toEqual([]);
  });

  it("leaves nothing behind that breaks a later read of what was accepted", async () => {
    // An accepted input can still poison reads (deep attributes once imported fine, then
    // items.get and queue.next overflowed on them): read every item of the target project back.
    const { rows } = await h.executeSql("select id from items where project_id = $1 order by id", [ids.target.project]);
    const projectId = ids.target.project;
    const reads: [string, "query" | "mutation", unknown][] = [
      ...rows.map((r): [string, "query", unknown] => ["items.get", "query", { projectId, itemId: Number(r.id) }]),
      ["items.list", "query", { projectId, limit: 100 }],
      ["queue.next", "mutation", { projectId, n: 50 }],
      ["data.exportLabels", "mutation", { projectId, format: "jsonl" }],
    ];
    const failures: string[] = [];
    for (const [path, type, input] of reads) {
      const body = wireText({ what: path, input });
      const got = await send(requestFor(path, type, body, (await cookieFor(member)).cookie));
      if (got.status >= 500) failures.push(`${path} ${JSON.stringify(input)} → ${got.status} ${got.message}`);
    }
    expect(failures).toEqual([]);
  });

  it("tried enough inputs to mean something", () => {
    expect(procedures.size).toBeGreaterThanOrEqual(MIN_PROCEDURES);
    expect([...tried.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(MIN_PROBES_PER_DATABASE);
  });
});

/** A fingerprint of one project's rows: every table with a project_id column, those rows only. */
async function projectFingerprint(h: TestDb, projectId: number): Promise<string> {
  const { rows: tables } = await h.executeSql(
    "select table_name as name from information_schema.columns where table_schema = 'public' and column_name = 'project_id' order by 1",
    [],
  );
  const parts = tables.map((t) => {
    const name = String(t.name).replace(/"/g, '""');
    return `select '${name}' as t, coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as h from "public"."${name}" x where project_id = ${projectId}`;
  });
  const { rows } = await h.executeSql(parts.join("\nunion all\n"), []);
  return JSON.stringify(rows);
}

function changed(a: DbSnapshot, b: DbSnapshot): string {
  return Object.keys({ ...a, ...b })
    .filter((t) => JSON.stringify(a[t]) !== JSON.stringify(b[t]))
    .join(", ");
}
