/**
 * `npm run bench:ui -- [--decisions 200] [--pool N] [--json]`
 * Starts the app through the e2e harness (npm start's web server + temp PGlite + Chromium),
 * and a scripted annotator makes keyboard decisions on the review page as fast
 * as the page lets it: each key is pressed once the previous next item is painted.
 * The page itself measures keydown → next item painted (performance.measure,
 * taken after the frame that shows it); this script reads those measures.
 */
import { parseArgs } from "node:util";
import { startApp } from "@/e2e/harness";
import { seedReviewProject, type ReviewSeed } from "./lib/ui-seed";
import { summarise, printReport, type UiFigures } from "./lib/ui-report";

const MEASURE = "loupe:review:next-item";
const TARGET_P95_MS = 100;
const ANN = { email: "bench@example.test", password: "bench password 123", name: "Bench Annotator" };

const { values } = parseArgs({
  options: {
    decisions: { type: "string", default: "200" },
    pool: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const decisions = Number(values.decisions);
const pool = values.pool ? Number(values.pool) : decisions + 200;

/** A plausible mix: mostly accepts, some alternatives, a few "none fits" and skips. */
function keyFor(i: number): string {
  const r = i % 20;
  if (r === 7 || r === 15) return "2";
  if (r === 11) return "3";
  if (r === 13) return "x";
  if (r === 18) return "s";
  return "Enter";
}

async function main(): Promise<void> {
  let seed: ReviewSeed | undefined;
  const app = await startApp({
    seed: async (s) => void (seed = await seedReviewProject(s, { annotator: ANN, poolSize: pool, labelled: 200 })),
  });
  try {
    const page = await app.newPage();
    await app.login(page, ANN.email, ANN.password);
    await page.goto(`/p/${seed!.projectId}/review`);
    await page.getByTestId("review-title").waitFor();
    await page.getByText("All saved").waitFor();
    const count = () => page.evaluate((name) => performance.getEntriesByName(name).length, MEASURE);
    const t0 = Date.now();
    for (let i = 0; i < decisions; i++) {
      const before = await count();
      await page.keyboard.press(keyFor(i));
      await page.waitForFunction(
        ([name, n]) => performance.getEntriesByName(name as string).length > (n as number),
        [MEASURE, before] as const,
        { timeout: 30_000 },
      );
    }
    const elapsedMs = Date.now() - t0;
    const durations = await page.evaluate((name) => performance.getEntriesByName(name).map((e) => e.duration), MEASURE);
    const drained = Date.now();
    await page.getByText("All saved").waitFor({ timeout: 120_000 });
    const figures: UiFigures = summarise(durations, {
      decisions,
      elapsedMs,
      outboxDrainMs: Date.now() - drained,
      pool,
      targetP95Ms: TARGET_P95_MS,
    });
    printReport(figures, values.json);
    await page.context().close();
  } finally {
    await app.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
