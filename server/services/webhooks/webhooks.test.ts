/**
 * Webhooks end to end on each database: events emitted by the real services, sent by
 * the pg-boss worker, received by a local HTTP receiver that verifies every signature
 * with the `standardwebhooks` library; retries with backoff; a project's webhook never
 * sees another project's events; the log and resend through tRPC.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { WEBHOOK_EVENTS } from "@/lib/constants";
import { modelVersions, webhookDeliveries } from "@/db/schema";
import { startWorker, type RunningWorker } from "@/server/jobs/runner";
import { importItems, textSource } from "@/server/services/imports";
import { onAuditRecorded } from "@/server/services/auto-accept";
import { failStaleRuns } from "@/server/services/training";
import type { SessionUser } from "@/server/services/auth";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, callerFor, makeProject, makeUser } from "@/test/factories";
import { failAudits, startReceiver, waitFor, type Receiver } from "@/test/webhook-receiver";
import { webhookTick } from "./index";

// The receiver listens on 127.0.0.1: this file runs with private targets allowed, as the README says tests do.
process.env.LOUPE_WEBHOOKS_ALLOW_PRIVATE = "true";

const ALL = WEBHOOK_EVENTS;

describe.each(dbTargets())("webhooks on $name", (target) => {
  let h: TestDb;
  let r: Receiver;
  let worker: RunningWorker;
  let admin: SessionUser;
  let adminB: SessionUser;
  let A: number;
  let B: number;
  let C: number;
  const caller = () => callerFor(h.db, admin);

  beforeAll(async () => {
    h = await createTestDb(target);
    r = await startReceiver();
    admin = await makeUser(h.db);
    adminB = await makeUser(h.db);
    A = (await makeProject(h.db, { name: "Hooks A" })).project.id;
    B = (await makeProject(h.db, { name: "Hooks B" })).project.id;
    C = (await makeProject(h.db, { name: "Hooks C" })).project.id;
    for (const p of [A, B, C]) await addMember(h.db, p, admin.id, "admin");
    await addMember(h.db, B, adminB.id, "admin");
    worker = await startWorker(h, {
      schedule: false,
      pollingIntervalSeconds: 0.5,
      webhooks: { allowPrivate: true, retryBaseMs: 200 },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await r?.close();
    await h?.drop();
  });

  const subscribe = async (projectId: number, path: string, events: readonly (typeof ALL)[number][]) => {
    const made = await caller().webhooks.create({ projectId, url: r.url(path), events: [...events] });
    r.trust(path, made.secret);
    return made;
  };
  const importJsonl = (projectId: number, rows: object[]) =>
    importItems(h.db, {
      projectId,
      actorId: admin.id,
      filename: "hooks.jsonl",
      format: "jsonl",
      unknownCategories: "create",
      source: textSource(rows.map((x) => JSON.stringify(x)).join("\n")),
    });
  const deliveriesOf = (webhookId: number) =>
    h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId));

  it("creates a subscription with a Standard Webhooks secret shown once; the list never carries it", async () => {
    const made = await subscribe(A, "/a", ALL);
    expect(made.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const list = await caller().webhooks.list({ projectId: A });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: made.id, url: r.url("/a"), active: true });
    expect(JSON.stringify(list)).not.toContain(made.secret);
    expect(list[0]).not.toHaveProperty("secret");
  });

  it("every event reaches its subscriber at least once, signed; other projects' events never do", async () => {
    const onlyActivated = await subscribe(A, "/a-activated", ["model.activated"]);
    await subscribe(B, "/b", ALL);
    // Models: two ready versions (no pool items yet, so activation plans no scoring), activate both, roll back.
    const [v1, v2] = await h.db
      .insert(modelVersions)
      .values(
        [1, 2].map((version) => ({ projectId: A, version, status: "ready" as const, trigger: "manual" as const })),
      )
      .returning({ id: modelVersions.id });
    await caller().models.activate({ projectId: A, versionId: v1!.id });
    await caller().models.activate({ projectId: A, versionId: v2!.id });
    await caller().models.rollback({ projectId: A });
    // Imports: one that succeeds (its labels are label changes), one refused.
    const rows = Array.from({ length: 12 }, (_, i) => ({
      id: `a${i}`,
      title: `Item ${i}`,
      category: "Audio > Headphones",
    }));
    await importJsonl(A, rows);
    await expect(importJsonl(A, [{ id: "bad" }])).rejects.toThrow();
    await importJsonl(B, [{ id: "b1", title: "B item", category: "Audio > Speakers" }]);
    // audit.failed: v1 (active again) with a calibration, then three failed audits of its auto labels.
    await failAudits(h.db, { projectId: A, versionId: v1!.id, userId: admin.id, failed: 3 });
    expect((await onAuditRecorded(h.db, A)).action).toBe("tightened");
    // training.failed: a run whose worker stopped beating.
    const [v3] = await h.db
      .insert(modelVersions)
      .values({ projectId: A, version: 3, status: "training", trigger: "manual", startedAt: new Date(0) })
      .returning({ id: modelVersions.id });
    expect((await failStaleRuns(h.db, 1000)).map((x) => x.versionId)).toEqual([v3!.id]);
    // labels.changed: the tick announces the import's labels, batched. A change becomes visible once every
    // older transaction of the server has ended (another database's long transaction can hold it back): retry.
    let announced = 0;
    await waitFor("the label announcements", async () => (announced += (await webhookTick(h.db)).announced) >= 2);
    expect(announced).toBe(2);

    const seen = (path: string) => new Set(r.at(path).map((m) => m.verified?.type));
    await waitFor("every event at /a", async () => ALL.every((t) => seen("/a").has(t)));
    await waitFor(
      "B's events at /b",
      async () => seen("/b").has("labels.changed") && seen("/b").has("import.finished"),
    );
    await waitFor("the filtered subscriber", async () => r.at("/a-activated").length >= 2);
    expect(
      r.at("/a").every((m) => m.verified !== null),
      "every signature verifies",
    ).toBe(true);
    expect(r.at("/b").every((m) => m.verified !== null)).toBe(true);
    // A's receiver only ever hears about A, B's only about B.
    expect(new Set(r.at("/a").map((m) => m.verified?.data.projectId))).toEqual(new Set([A]));
    expect(new Set(r.at("/b").map((m) => m.verified?.data.projectId))).toEqual(new Set([B]));
    expect(seen("/b")).toEqual(new Set(["import.finished", "labels.changed"]));
    expect(seen("/a-activated")).toEqual(new Set(["model.activated"]));
    expect(r.at("/a-activated")).toHaveLength(2);

    const types = r.at("/a").map((m) => m.verified?.type);
    expect(types.filter((t) => t === "model.activated")).toHaveLength(2);
    expect(types.filter((t) => t === "model.rolled_back")).toHaveLength(1);
    expect(types.filter((t) => t === "import.finished")).toHaveLength(2);
    const finished = r.at("/a").filter((m) => m.verified?.type === "import.finished");
    expect(finished.map((m) => m.verified?.data.status).sort()).toEqual(["failed", "succeeded"]);
    const labelsMsg = r.at("/a").find((m) => m.verified?.type === "labels.changed");
    expect(labelsMsg?.verified?.data).toMatchObject({ projectId: A, count: 12, capped: false, since: "0-0" });
    // The cursor `until` continues the pull API where this message ends: a second tick with no change sends nothing.
    const pulled = await caller().labels.changes({ projectId: A, since: "0-0", limit: 100 });
    expect([pulled.changes.length, pulled.next]).toEqual([12, labelsMsg?.verified?.data.until]);
    expect((await webhookTick(h.db)).announced).toBe(0);
    const rolled = r.at("/a").find((m) => m.verified?.type === "model.rolled_back");
    expect(rolled?.verified?.data).toMatchObject({ versionId: v1!.id, previousVersionId: v2!.id, reason: "rollback" });
    const audit = r.at("/a").find((m) => m.verified?.type === "audit.failed");
    expect(audit?.verified?.data).toMatchObject({ versionId: v1!.id, audits: { n: 3, accepted: 0 } });
    const failed = r.at("/a").find((m) => m.verified?.type === "training.failed");
    expect(failed?.verified?.data).toMatchObject({ versionId: v3!.id, version: 3 });

    // The log: every delivery of A's webhook succeeded on its first attempt.
    const hookA = (await caller().webhooks.list({ projectId: A }))[0]!.id;
    const rowsA = await waitFor("every delivery done", async () => {
      const rows = await deliveriesOf(hookA);
      return rows.every((d) => d.status !== "pending") && rows;
    });
    expect(rowsA).toHaveLength(8);
    expect(rowsA.every((d) => d.status === "succeeded" && d.attempts === 1 && d.lastStatusCode === 200)).toBe(true);
    expect(onlyActivated.events).toEqual(["model.activated"]);
  });

  it("a receiver that fails twice and then answers ends succeeded after 3 attempts, with one message id", async () => {
    const hook = await subscribe(C, "/flaky", ["import.finished"]);
    r.on("/flaky", { failTimes: 2, bodyBytes: 5000 });
    const t0 = Date.now();
    await importJsonl(C, [{ id: "c1", title: "C item" }]);
    const done = await waitFor("the flaky delivery", async () => {
      const [d] = await deliveriesOf(hook.id);
      return d?.status === "succeeded" ? d : null;
    });
    console.log(`[measure] ${target.name}: fail, fail, ok delivered in ${Date.now() - t0} ms (retry base 200 ms)`);
    expect(done).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null, status: "succeeded" });
    const got = r.at("/flaky");
    expect(got.map((m) => m.answered)).toEqual([503, 503, 200]);
    expect(new Set(got.map((m) => m.id)).size).toBe(1);
    expect(got.every((m) => m.verified !== null)).toBe(true);
    expect(done.deliveredAt).not.toBeNull();
  });

  it("a redirect is a failed attempt, not followed; deleting the webhook ends its retries", async () => {
    const hook = await subscribe(C, "/moved", ["model.activated"]);
    r.on("/moved", { redirectTo: r.url("/elsewhere") });
    const [v] = await h.db
      .insert(modelVersions)
      .values({ projectId: C, version: 1, status: "ready", trigger: "manual" })
      .returning({ id: modelVersions.id });
    await caller().models.activate({ projectId: C, versionId: v!.id });
    const first = await waitFor("the first attempt", async () => {
      const [d] = await deliveriesOf(hook.id);
      return d && d.attempts >= 1 ? d : null;
    });
    expect(first).toMatchObject({ lastStatusCode: 302, lastError: "Redirect (302) not followed" });
    expect(r.at("/elsewhere")).toHaveLength(0);
    const log = await caller().webhooks.deliveries({ projectId: C, webhookId: hook.id });
    expect(log.deliveries[0]).toMatchObject({ eventType: "model.activated", lastStatusCode: 302 });
    await caller().webhooks.delete({ projectId: C, webhookId: hook.id });
    expect(await caller().webhooks.list({ projectId: C })).not.toContainEqual(expect.objectContaining({ id: hook.id }));
    const ended = await waitFor("the retries to end", async () => {
      const [d] = await deliveriesOf(hook.id);
      return d?.status === "failed" ? d : null;
    });
    expect(ended.lastError).toMatch(/disabled or deleted|Redirect/);
    expect(r.at("/elsewhere")).toHaveLength(0);
  });

  it("resend sends the same message again; another project's admin can neither see nor resend it", async () => {
    const [hookA] = await caller().webhooks.list({ projectId: A });
    const log = await caller().webhooks.deliveries({ projectId: A, webhookId: hookA!.id, limit: 100 });
    const one = log.deliveries.find((d) => d.eventType === "model.rolled_back");
    expect(one?.status).toBe("succeeded");
    const before = r.at("/a").filter((m) => m.id === one!.messageId).length;
    await caller().webhooks.resend({ projectId: A, deliveryId: one!.id });
    await waitFor("the resent message", async () => r.at("/a").filter((m) => m.id === one!.messageId).length > before);
    await waitFor("succeeded again", async () => {
      const [d] = await h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, one!.id));
      return d?.status === "succeeded";
    });

    const asB = callerFor(h.db, adminB);
    const logB = await asB.webhooks.deliveries({ projectId: B, limit: 100 });
    expect(logB.deliveries.length).toBeGreaterThan(0);
    expect(
      logB.deliveries.every(
        (d) => d.eventType && d.payload.data && (d.payload.data as { projectId: number }).projectId === B,
      ),
    ).toBe(true);
    const resend = await asB.webhooks.resend({ projectId: B, deliveryId: one!.id }).catch((e: unknown) => e);
    expect((resend as TRPCError).code).toBe("NOT_FOUND");
    const update = await asB.webhooks
      .update({ projectId: B, webhookId: hookA!.id, url: r.url("/stolen") })
      .catch((e: unknown) => e);
    expect((update as TRPCError).code).toBe("NOT_FOUND");
    const notMember = await asB.webhooks.list({ projectId: A }).catch((e: unknown) => e);
    expect((notMember as TRPCError).code).toBe("NOT_FOUND");
  });
});
