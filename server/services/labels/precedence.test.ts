import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { labels } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeItems, makeProject, makeUser } from "@/test/factories";
import {
  applyAutoLabels,
  LABEL_PRECEDENCE,
  mayReplace,
  restoreLabel,
  revokeVersionAutoLabels,
  writeHumanLabels,
  writeImportLabels,
  type LabelSource,
} from "./index";

describe("label precedence", () => {
  it("ranks a person over an import over the model, and each source may replace its own kind", () => {
    expect(LABEL_PRECEDENCE).toEqual(["human", "import", "auto"]);
    const table = LABEL_PRECEDENCE.map((incoming) => LABEL_PRECEDENCE.map((current) => mayReplace(incoming, current)));
    // rows: incoming human / import / auto; columns: current human / import / auto
    expect(table).toEqual([
      [true, true, true],
      [false, true, true],
      [false, false, true],
    ]);
    for (const s of LABEL_PRECEDENCE) expect(mayReplace(s, null)).toBe(true);
  });
});

describe.each(dbTargets())("label writers on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  async function setup() {
    const user = await makeUser(h.db);
    const { project, categories } = await makeProject(h.db);
    const [item] = await makeItems(h.db, project.id, 1);
    return {
      projectId: project.id,
      itemId: item!.id,
      userId: user.id,
      catA: categories[0]!.id,
      catB: categories[1]!.id,
    };
  }
  type Setup = Awaited<ReturnType<typeof setup>>;

  /** Writes a label of `source` with `categoryId` through the domain's own writer for that source. */
  async function write(s: Setup, source: LabelSource, categoryId: number) {
    if (source === "human") {
      await writeHumanLabels(h.db, s.projectId, [{ itemId: s.itemId, categoryId, userId: s.userId, annotationId: 1 }]);
    } else if (source === "import") {
      await writeImportLabels(h.db, s.projectId, [{ item_id: s.itemId, category_id: categoryId }]);
    } else {
      await applyAutoLabels(h.db, {
        projectId: s.projectId,
        versionId: 1,
        fromId: s.itemId,
        toId: s.itemId,
        accepted: sql`select ${s.itemId}::int as item_id, ${categoryId}::int as category_id, 0.99::float8 as confidence`,
      });
    }
  }

  async function current(s: Setup) {
    const [row] = await h.db
      .select({ source: labels.source, categoryId: labels.categoryId })
      .from(labels)
      .where(and(eq(labels.projectId, s.projectId), eq(labels.itemId, s.itemId)));
    return row ?? null;
  }

  for (const existing of LABEL_PRECEDENCE) {
    for (const incoming of LABEL_PRECEDENCE) {
      const wins = mayReplace(incoming, existing);
      it(`a ${incoming} label over a ${existing} label ${wins ? "replaces it" : "leaves it"}`, async () => {
        const s = await setup();
        await write(s, existing, s.catA);
        expect(await current(s)).toEqual({ source: existing, categoryId: s.catA });
        await write(s, incoming, s.catB);
        expect(await current(s)).toEqual(
          wins ? { source: incoming, categoryId: s.catB } : { source: existing, categoryId: s.catA },
        );
      });
    }
  }

  it("revoking a version's auto labels touches no person's or imported label", async () => {
    const auto = await setup();
    const human = await setup();
    await write(auto, "auto", auto.catA);
    await write(human, "auto", human.catA);
    await write(human, "human", human.catB);
    expect(await revokeVersionAutoLabels(h.db, { projectId: auto.projectId, versionId: 1 })).toEqual([auto.itemId]);
    expect(await revokeVersionAutoLabels(h.db, { projectId: human.projectId, versionId: 1 })).toEqual([]);
    expect(await current(auto)).toBeNull();
    expect(await current(human)).toEqual({ source: "human", categoryId: human.catB });
  });

  it("restoring puts back exactly the label that was replaced, whatever its source, or none", async () => {
    const s = await setup();
    await write(s, "human", s.catB);
    await restoreLabel(h.db, {
      projectId: s.projectId,
      itemId: s.itemId,
      previous: { categoryId: s.catA, source: "auto" },
    });
    expect(await current(s)).toEqual({ source: "auto", categoryId: s.catA });
    await restoreLabel(h.db, { projectId: s.projectId, itemId: s.itemId, previous: null });
    expect(await current(s)).toBeNull();
  });
});
