/**
 * The structure the README promises, checked on the code as it stands: service
 * domains talk to each other only through their index, domains import each
 * other without cycles, the pure layers stay pure, files stay small, and one
 * module alone writes the current labels.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importEdges, readSource, sourceFiles } from "./imports";

const SERVICES = "server/services/";
const root = path.resolve(import.meta.dirname, "../..");
const files = sourceFiles();
const edges = importEdges(files);
/** Tests and their helpers: fixtures may set up any state directly. */
const isTest = (f: string) => /\.test\.tsx?$/.test(f) || f.includes("/__tests__/") || f.startsWith("test/");

const domainOf = (f: string): string | null => {
  if (!f.startsWith(SERVICES)) return null;
  const rest = f.slice(SERVICES.length);
  return rest.includes("/") ? rest.split("/")[0]! : null;
};
const domains = readdirSync(path.join(root, SERVICES)).filter((d) =>
  statSync(path.join(root, SERVICES, d)).isDirectory(),
);

describe("service domains", () => {
  it("are folders with a public index, and nothing else sits at the top of server/services", () => {
    const loose = readdirSync(path.join(root, SERVICES)).filter((e) => !domains.includes(e) && e !== "index.ts");
    expect(loose).toEqual([]);
    expect(domains.length).toBeGreaterThanOrEqual(10);
    for (const d of domains) expect(files, `${d} has no index.ts`).toContain(`${SERVICES}${d}/index.ts`);
  });

  it("are entered through their index only", () => {
    const private_ = edges.filter((e) => {
      const d = domainOf(e.to);
      return d !== null && domainOf(e.from) !== d && e.to !== `${SERVICES}${d}/index.ts`;
    });
    expect(private_.map((e) => `${e.from} imports ${e.to}`)).toEqual([]);
  });

  it("import each other without cycles", () => {
    const deps = new Map<string, Set<string>>(domains.map((d) => [d, new Set()]));
    for (const e of edges) {
      const [a, b] = [domainOf(e.from), domainOf(e.to)];
      if (a && b && a !== b && !isTest(e.from)) deps.get(a)!.add(b);
    }
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (d: string, trail: string[]) => {
      if (state.get(d) === "done") return;
      if (state.get(d) === "open") {
        cycles.push([...trail.slice(trail.indexOf(d)), d].join(" -> "));
        return;
      }
      state.set(d, "open");
      for (const n of deps.get(d) ?? []) visit(n, [...trail, d]);
      state.set(d, "done");
    };
    for (const d of domains) visit(d, []);
    expect(cycles).toEqual([]);
  });

  it("keep every file under 250 lines", () => {
    const long = files
      .filter((f) => f.startsWith(SERVICES))
      .map((f) => ({ f, lines: readSource(f).split("\n").length }))
      .filter((x) => x.lines > 250);
    expect(long).toEqual([]);
  });
});

describe("layers", () => {
  it("ml/ imports nothing of the server, the database or the pages", () => {
    const bad = edges.filter((e) => e.from.startsWith("ml/") && !isTest(e.from) && /^(server|db|app|lib)\//.test(e.to));
    expect(bad.map((e) => `${e.from} imports ${e.to}`)).toEqual([]);
  });

  it("lib/ (shared with the pages) imports nothing of the server", () => {
    const bad = edges.filter((e) => e.from.startsWith("lib/") && /^(server|db)\//.test(e.to));
    expect(bad.map((e) => `${e.from} imports ${e.to}`)).toEqual([]);
  });

  it("client components import nothing of the server at run time", () => {
    const clients = files.filter((f) => f.startsWith("app/") && /^\s*["']use client["']/.test(readSource(f)));
    expect(clients.length).toBeGreaterThan(5);
    const bad = clients.flatMap((f) =>
      readSource(f)
        .split("\n")
        .filter((l) => /^import\s(?!type\s)/.test(l) && /from\s+["']@\/(server|db)\//.test(l))
        .map((l) => `${f}: ${l}`),
    );
    expect(bad).toEqual([]);
  });
});

/** Statements that write the labels table, in drizzle's builder or in raw SQL. */
const LABEL_WRITE = [
  /\.(insert|update|delete)\(\s*labels\s*\)/,
  /\b(insert\s+into|update|delete\s+from)\s+("?labels"?|\$\{labels\})(\s|$)/i,
];

describe("one owner per rule", () => {
  it("only the labels domain writes the labels table", () => {
    const product = files.filter((f) => !isTest(f) && /^(server|scripts|app|db|lib)\//.test(f));
    const writers = product.filter(
      (f) => !f.startsWith(`${SERVICES}labels/`) && LABEL_WRITE.some((re) => re.test(readSource(f))),
    );
    expect(writers).toEqual([]);
  });

  it("the check finds a label write where there is one", () => {
    expect(LABEL_WRITE.some((re) => re.test("await tx.delete(labels).where(x)"))).toBe(true);
    expect(LABEL_WRITE.some((re) => re.test("sql`update ${labels} set category_id = 1`"))).toBe(true);
    expect(LABEL_WRITE.some((re) => re.test("insert into labels (item_id) values (1)"))).toBe(true);
    expect(LABEL_WRITE.some((re) => re.test("select * from labels where x"))).toBe(false);
  });
});
