/**
 * The repository's import graph as the code states it: every static import,
 * dynamic import() and vi.mock() specifier of every TypeScript file that git
 * knows, resolved to a repository path. Read as text, so the architecture
 * tests need no compiler and run in milliseconds.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

export type ImportEdge = { from: string; to: string; spec: string };

const root = path.resolve(import.meta.dirname, "../..");
const SPEC = /(?:from\s+|import\s*\(\s*|vi\.mock\(\s*|^import\s+)(["'])([^"']+)\1/gm;

export function sourceFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.tsx"], {
    cwd: root,
    encoding: "utf8",
  });
  return out.split("\n").filter((f) => f && !f.startsWith("node_modules/"));
}

export function readSource(file: string): string {
  return readFileSync(path.join(root, file), "utf8");
}

export function importEdges(files = sourceFiles()): ImportEdge[] {
  const known = new Set(files);
  const resolve = (from: string, spec: string): string | null => {
    let base: string;
    if (spec.startsWith("@/")) base = spec.slice(2);
    else if (spec.startsWith(".")) base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
    else return null;
    for (const c of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) {
      if (known.has(c)) return c;
    }
    return null;
  };
  const edges: ImportEdge[] = [];
  for (const from of files) {
    for (const m of readSource(from).matchAll(SPEC)) {
      const spec = m[2]!;
      const to = resolve(from, spec);
      if (to) edges.push({ from, to, spec });
    }
  }
  return edges;
}
