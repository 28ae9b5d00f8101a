/** Running the real CLI as a child process, for the CLI's tests. */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const TSX = path.resolve("node_modules/.bin/tsx");
export const SECRET = "9d2f6b1a7c3e5f8a0b4d6e2c9a1f3b5d7e9c0a2b4d6f8e1c";

export type CliRun = { code: number; stdout: string; stderr: string };

/** Runs scripts/loupe.ts with `env` as its whole environment. */
export async function loupe(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliRun> {
  try {
    const child = run(TSX, ["scripts/loupe.ts", ...args], { env, maxBuffer: 16 * 1024 * 1024 });
    child.child.stdin?.end("");
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

/** A tiny catalogue: 3 categories, 60 labelled items (15 gold), 10 unlabelled; trains in seconds. */
export function tinyCatalogue(): string {
  const words: Record<string, string[]> = {
    "Dairy > Cheese": ["cheddar", "brie", "gouda", "parmesan", "feta"],
    "Dairy > Milk": ["whole milk", "skimmed milk", "oat milk", "lactose free milk", "goat milk"],
    "Frozen > Pizza": ["margherita pizza", "pepperoni pizza", "four cheese pizza", "veggie pizza", "thin pizza"],
  };
  const rows: object[] = [];
  for (const [category, names] of Object.entries(words))
    for (let k = 0; k < 20; k += 1)
      rows.push({
        id: `sku-${rows.length + 1}`,
        title: `${names[k % names.length]} ${k}`,
        category,
        split: k % 4 === 0 ? "test" : "pool",
      });
  for (let k = 0; k < 10; k += 1) rows.push({ id: `sku-${rows.length + 1}`, title: `new ${k}` });
  return rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
}
