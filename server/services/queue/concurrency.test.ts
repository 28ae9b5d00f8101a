/**
 * Many annotators at once: next + submit in a loop, with skips and client
 * retries (the same submit sent twice at once). Nobody may hold an item
 * another person holds, and every acknowledged submit is stored exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { annotations, leases } from "@/db/schema";
import { createRng } from "@/ml/rng";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { activateModel, key, seedItems, seedPredictions, seedProject } from "@/test/queue-fixtures";

type Window = { itemId: number; userId: number; from: number; to: number };
type Caller = Awaited<ReturnType<typeof seedProject>>["callers"][number];

const SIZES = {
  postgres: { annotators: 20, submits: Number(process.env.CONC_SUBMITS ?? 200), items: 5_000 },
  pglite: { annotators: 5, submits: 30, items: 300 },
};

describe.each(dbTargets())("concurrent annotators on $name", (target) => {
  const size = SIZES[target.name];
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target, { maxConnections: 30 });
  });
  afterAll(async () => h?.drop());

  it(`${size.annotators} annotators × ${size.submits} submits on ${size.items} items: no shared lease, nothing lost or doubled`, async () => {
    // Diversity on: every next locks and clusters a 5n candidate window, the heavier path.
    const s = await seedProject(h.db, {
      roles: Array.from({ length: size.annotators }, () => "annotator" as const),
      settings: { diversity: true },
    });
    const its = await seedItems(
      h.db,
      s.project.id,
      Array.from({ length: size.items }, (_, i) => `Product ${i}`),
    );
    const mv = await activateModel(
      h.db,
      s.project.id,
      s.categories.map((c) => c.id),
    );
    const rng = createRng(1);
    const embedding = () => Array.from({ length: 16 }, () => rng() - 0.5);
    await seedPredictions(
      h.db,
      s.project.id,
      mv,
      its.map((it) => ({
        itemId: it.id,
        categoryId: s.categories[0]!.id,
        second: s.categories[1]!.id,
        margin: rng(),
        embedding: embedding(),
      })),
    );

    // As autovacuum would after an import: the plans below assume table statistics.
    await h.executeSql("analyze");
    const windows: Window[] = [];
    const acknowledged = new Map<string, number>(); // idempotency key → annotation id
    const stats = { nextCalls: 0, leases: 0, emptyNext: 0, retries: 0, conflicts: 0, nextMs: 0, submitMs: 0 };
    const started = performance.now();

    async function annotator(caller: Caller, userId: number, seed: number) {
      const r = createRng(seed);
      let done = 0;
      while (done < size.submits) {
        const n = Math.min(1 + Math.floor(r() * 5), size.submits - done);
        stats.nextCalls++;
        const asked = performance.now();
        const res = await caller.queue.next({ projectId: s.project.id, n });
        // The inner bound of the holding interval: leased by the time the answer arrived.
        const from = performance.now();
        stats.nextMs += from - asked;
        if (res.items.length === 0) {
          // Nothing for now is only allowed as "all_leased": items remain in this test.
          stats.emptyNext++;
          expect(res.status).toBe("all_leased");
          continue;
        }
        stats.leases += res.items.length;
        for (const x of res.items) {
          const u = r();
          const action = u < 0.1 ? "skip" : u < 0.6 ? "accept" : u < 0.9 ? "correct" : "reject";
          const input = {
            projectId: s.project.id,
            itemId: x.item.id,
            leaseToken: x.lease.token,
            idempotencyKey: key(),
            action,
            categoryId: action === "correct" ? s.categories[2]!.id : undefined,
            timeSpentMs: 100,
          } as const;
          const to = performance.now();
          // One in ten is a client retry racing its original.
          const retry = r() < 0.1;
          if (retry) stats.retries++;
          const results = await Promise.allSettled(
            retry
              ? [caller.annotations.submit(input), caller.annotations.submit(input)]
              : [caller.annotations.submit(input)],
          );
          stats.submitMs += performance.now() - to;
          const ok = results.flatMap((x) => (x.status === "fulfilled" ? [x.value] : []));
          stats.conflicts += results.length - ok.length;
          if (ok.length > 0) {
            expect(new Set(ok.map((o) => o.annotationId)).size).toBe(1);
            acknowledged.set(input.idempotencyKey, ok[0]!.annotationId);
          }
          windows.push({ itemId: x.item.id, userId, from, to });
          done++;
        }
      }
    }

    await Promise.all(s.callers.map((c, i) => annotator(c, s.users[i]!.id, 100 + i)));
    const seconds = (performance.now() - started) / 1000;

    // 1. No item held by two people at once (inner bounds of each holding interval).
    const byItem = new Map<number, Window[]>();
    for (const w of windows) byItem.set(w.itemId, [...(byItem.get(w.itemId) ?? []), w]);
    let overlaps = 0;
    for (const ws of byItem.values()) {
      for (let i = 0; i < ws.length; i++)
        for (let j = i + 1; j < ws.length; j++) {
          const [a, b] = [ws[i]!, ws[j]!];
          if (a.userId !== b.userId && a.from < b.to && b.from < a.to) overlaps++;
        }
    }
    // 2. Each item decided (non-skip) at most once; skips never by the same person twice.
    const perItem = await h.db
      .select({
        itemId: annotations.itemId,
        decisions: sql<number>`count(*) filter (where ${annotations.action} <> 'skip')`,
        n: sql<number>`count(*)`,
        people: sql<number>`count(distinct ${annotations.userId})`,
      })
      .from(annotations)
      .where(eq(annotations.projectId, s.project.id))
      .groupBy(annotations.itemId);
    const doubleDecided = perItem.filter((r) => Number(r.decisions) > 1).length;
    const samePersonTwice = perItem.filter((r) => Number(r.people) < Number(r.n)).length;
    // 3. Every acknowledged submit stored exactly once, nothing else stored.
    const stored = await h.db
      .select({ id: annotations.id, key: annotations.idempotencyKey })
      .from(annotations)
      .where(eq(annotations.projectId, s.project.id));
    const storedByKey = new Map(stored.map((r) => [r.key, r.id]));
    const lost = [...acknowledged].filter(([k, id]) => storedByKey.get(k) !== id).length;
    const leftLeases = await h.db.select().from(leases).where(eq(leases.projectId, s.project.id));

    console.info(
      `[concurrency ${target.name}] ${size.annotators} annotators, ${seconds.toFixed(1)} s: next calls ${stats.nextCalls} (empty ${stats.emptyNext}), leases ${stats.leases}, ` +
        `acknowledged submits ${acknowledged.size}, stored ${stored.length}, client retries ${stats.retries}, conflicts ${stats.conflicts}, ` +
        `overlapping leases ${overlaps}, items decided twice ${doubleDecided}, lost ${lost}, ${(acknowledged.size / seconds).toFixed(0)} submits/s, ` +
        `mean next ${(stats.nextMs / stats.nextCalls).toFixed(0)} ms, mean submit ${(stats.submitMs / acknowledged.size).toFixed(0)} ms`,
    );
    expect(overlaps).toBe(0);
    expect(doubleDecided).toBe(0);
    expect(samePersonTwice).toBe(0);
    expect(stats.conflicts).toBe(0);
    expect(acknowledged.size).toBe(size.annotators * size.submits);
    expect(stored.length).toBe(acknowledged.size);
    expect(lost).toBe(0);
    expect(leftLeases).toHaveLength(0);
  }, 600_000);
});
