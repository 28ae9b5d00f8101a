/**
 * Evaluation picks must be a uniform sample of the open pool: the decisions on
 * them grade the model, so no item may be more likely than another. Checked
 * with a chi-square test over thousands of seeded draws, next to the hash-ring
 * walk the audits use, which the same test refuses (so the test can fail).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "@/ml/rng";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { seedItems, seedProject, setLabel } from "@/test/queue-fixtures";
import { randomCandidates } from "./candidates";
import { evaluationCandidates } from "./evaluation-candidates";

const DRAWS = 3000;
/** Chi-square critical value for 79 degrees of freedom at p = 0.001. */
const CRITICAL_79 = 122.0;

function chiSquare(counts: Map<number, number>, ids: number[], draws: number): number {
  const expected = draws / ids.length;
  return ids.reduce((s, id) => s + ((counts.get(id) ?? 0) - expected) ** 2 / expected, 0);
}

describe.each(dbTargets())("evaluation sampler on $name", (target) => {
  let h: TestDb;
  let projectId: number;
  let userId: number;
  let open: number[];
  let labelled: Set<number>;

  beforeAll(async () => {
    h = await createTestDb(target);
    const s = await seedProject(h.db);
    projectId = s.project.id;
    userId = s.users[0]!.id;
    const its = await seedItems(
      h.db,
      projectId,
      Array.from({ length: 120 }, (_, i) => `Item ${i}`),
    );
    // 40 labelled items in one run of ids: a sampler that walks to the next open id would favour the one after them.
    const people = its.slice(20, 60);
    for (const it of people)
      await setLabel(h.db, { projectId, itemId: it.id, categoryId: s.categories[0]!.id, source: "human" });
    labelled = new Set(people.map((i) => i.id));
    open = its.map((i) => i.id).filter((id) => !labelled.has(id));
    await seedItems(h.db, projectId, ["A gold item"], "test");
  });
  afterAll(async () => h?.drop());

  it("draws every open pool item equally often, and nothing else", async () => {
    const counts = new Map<number, number>();
    for (let seed = 1; seed <= DRAWS; seed++) {
      const [id] = await evaluationCandidates(h.db, {
        projectId,
        userId,
        limit: 1,
        excludeIds: [],
        rng: createRng(seed),
      });
      counts.set(id!, (counts.get(id!) ?? 0) + 1);
    }
    expect([...counts.keys()].every((id) => open.includes(id))).toBe(true);
    expect(counts.size).toBe(open.length);
    const x2 = chiSquare(counts, open, DRAWS);
    console.log(`[measure] ${target.name}: evaluation sampler chi-square ${x2.toFixed(1)} over ${open.length} items`);
    expect(x2).toBeLessThan(CRITICAL_79);
  });

  it("the hash-ring walk of the audits is not uniform by the same test", async () => {
    const counts = new Map<number, number>();
    for (let seed = 1; seed <= DRAWS; seed++) {
      const rng = createRng(seed);
      const [row] = await randomCandidates(h.db, {
        projectId,
        userId,
        limit: 1,
        excludeIds: [],
        seed: Math.floor(rng() * 2_147_483_647),
      });
      counts.set(row!.id, (counts.get(row!.id) ?? 0) + 1);
    }
    expect(chiSquare(counts, open, DRAWS)).toBeGreaterThan(CRITICAL_79);
  });

  it("is the same sample for the same seed, and takes several distinct items at once", async () => {
    const a = await evaluationCandidates(h.db, { projectId, userId, limit: 5, excludeIds: [], rng: createRng(9) });
    const b = await evaluationCandidates(h.db, { projectId, userId, limit: 5, excludeIds: [], rng: createRng(9) });
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(5);
    const rest = await evaluationCandidates(h.db, { projectId, userId, limit: 500, excludeIds: a, rng: createRng(3) });
    expect(rest.sort((x, y) => x - y)).toEqual(open.filter((id) => !a.includes(id)).sort((x, y) => x - y));
  });
});
