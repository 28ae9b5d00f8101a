/**
 * Raw SQL names tables through the schema (`${items}`, `tableAs(items, "i")`,
 * see db/sql.ts), never by hand: a renamed table or column then fails the type
 * check instead of a query at run time. Checked on the text inside every
 * sql`...` template of the product code under server/ and db/.
 */
import { getTableName, is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import * as schema from "@/db/schema";
import { readSource, sourceFiles } from "./imports";

/** Every table the schema exports, by its SQL name: a new table is covered without touching this test. */
const TABLES = Object.values(schema as Record<string, unknown>)
  .filter((v): v is PgTable => is(v, PgTable))
  .map((t) => getTableName(t));

/**
 * Statements that cannot name their tables through the schema, each with why.
 * `file` is the repository path, `table` the hand-typed name allowed there.
 * None today: pg-boss keeps its own tables and SQL, outside these templates.
 */
const EXEMPT: { file: string; table: string; reason: string }[] = [];

/** Product code only: tests and their fixtures may set up state with any SQL; migrations are generated. */
const isProduct = (f: string) =>
  /^(server|db)\//.test(f) &&
  f.endsWith(".ts") &&
  !f.endsWith(".test.ts") &&
  !f.includes("/__tests__/") &&
  !f.startsWith("test/") &&
  !f.startsWith("db/migrations/");

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A table named by hand after a keyword that introduces one, quoted or not, optionally schema-qualified. */
const HAND_TYPED = new RegExp(
  String.raw`\b(?:delete\s+from|from|join|into|update|using)\s+(?:"?public"?\.)?("?)(${TABLES.map(escapeRe).join("|")})\1(?![\w$"])`,
  "gi",
);

/**
 * The literal text of every tagged template `sql\`...\`` or `sql<T>\`...\`` in
 * `src`, each `${...}` replaced by `${}`. Templates nested in an expression are
 * returned on their own.
 */
function sqlTemplateTexts(src: string): string[] {
  const texts: string[] = [];
  /** Reads a template whose opening backtick is just before `i`: its text and the index after its closing backtick. */
  const template = (i: number): [string, number] => {
    let text = "";
    while (i < src.length) {
      const c = src.charAt(i);
      if (c === "\\") {
        text += src.slice(i, i + 2);
        i += 2;
      } else if (c === "`") {
        return [text, i + 1];
      } else if (c === "$" && src.charAt(i + 1) === "{") {
        i = expression(i + 2);
        text += "${}";
      } else {
        text += c;
        i++;
      }
    }
    return [text, i];
  };
  /** Skips a `${...}` expression starting at `i` (after its `${`): the index after its closing brace. */
  const expression = (i: number): number => {
    let depth = 1;
    while (i < src.length && depth > 0) {
      const c = src.charAt(i);
      if (c === "`") {
        i = template(i + 1)[1];
        continue;
      }
      if (c === '"' || c === "'") {
        for (i++; i < src.length && src.charAt(i) !== c; i++) if (src.charAt(i) === "\\") i++;
      } else if (c === "{") depth++;
      else if (c === "}") depth--;
      i++;
    }
    return i;
  };
  for (const m of src.matchAll(/\bsql(?:<[^`]{0,300}?>)?`/g)) texts.push(template(m.index + m[0].length)[0]);
  return texts;
}

/** Hand-typed table names in the sql templates of `src`. */
function handTypedTables(src: string): string[] {
  return sqlTemplateTexts(src).flatMap((t) => [...t.matchAll(HAND_TYPED)].map((m) => (m[2] ?? "").toLowerCase()));
}

describe("raw SQL", () => {
  const product = sourceFiles().filter(isProduct);

  it("knows the schema's tables and the product files", () => {
    expect(TABLES.length).toBeGreaterThanOrEqual(10);
    expect(TABLES).toEqual(expect.arrayContaining(["items", "labels", "annotations", "audit_events", "leases"]));
    expect(product.length).toBeGreaterThan(50);
    expect(product.some((f) => sqlTemplateTexts(readSource(f)).length > 0)).toBe(true);
  });

  it("names tables through the schema, not by hand", () => {
    const found = product.flatMap((file) =>
      handTypedTables(readSource(file))
        .filter((table) => !EXEMPT.some((e) => e.file === file && e.table === table))
        .map((table) => `${file}: ${table}`),
    );
    expect(found).toEqual([]);
  });

  it("exempts only statements that still exist, each with a reason", () => {
    const stale = EXEMPT.filter(
      (e) => !e.reason.trim() || !product.includes(e.file) || !handTypedTables(readSource(e.file)).includes(e.table),
    );
    expect(stale).toEqual([]);
  });

  it("the check finds a hand-typed table and passes one named through the schema", () => {
    expect(handTypedTables("const q = sql`select 1 from items i where i.id = ${id}`;")).toEqual(["items"]);
    expect(handTypedTables("sql<number>`select count(*) from x left join labels l on l.item_id = x.id`")).toEqual([
      "labels",
    ]);
    expect(handTypedTables('sql`insert into "audit_events" (action) values (1)`')).toEqual(["audit_events"]);
    expect(handTypedTables("sql`with gone as (delete from leases dl returning dl.item_id) select 1`")).toEqual([
      "leases",
    ]);
    expect(handTypedTables("sql`delete from ${labels} using predictions p where p.item_id = 1`")).toEqual([
      "predictions",
    ]);
    expect(handTypedTables("sql`update model_versions set status = 'failed'`")).toEqual(["model_versions"]);
    // Nested in an expression, after a multi-line type argument.
    expect(
      handTypedTables("sql<\n  number | null\n>`exists (${cond ? sql`select 1 from annotations a` : x})`"),
    ).toEqual(["annotations"]);

    expect(handTypedTables("const q = sql`select 1 from ${items} where ${items.id} = ${id}`;")).toEqual([]);
    expect(handTypedTables("sql`select 1 from ${x.from} join ${labels} on ${labels.itemId} = ${x.t.id}`")).toEqual([]);
    // Not a table: a longer name, a CTE, a column, a record definition, a string outside any sql template.
    expect(handTypedTables("sql`select 1 from items_archive, gone where x.items = 1`")).toEqual([]);
    expect(
      handTypedTables("sql`extract(epoch from created_at) from jsonb_to_recordset(${j}) as x(item_id int)`"),
    ).toEqual([]);
    expect(handTypedTables("const s = `select 1 from items`; db.execute(sql`select ${s}`)")).toEqual([]);
  });
});
