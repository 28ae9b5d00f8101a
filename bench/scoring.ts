/**
 * `npm run bench:scoring -- [--db postgres|pglite|both] [--pool N] [--test N] [--epochs N] [--rounds N]`
 *
 * Full-pool rescoring throughput through the real path (`scoreProjectInline`: the
 * same `scoreRange` the pg-boss score jobs run, range by range): the demo catalogue
 * (20k pool + 2k gold, 5% legacy labels), one trained version, then `--rounds`
 * full rescores, each under a fresh calibration (as after a recalibration: every
 * range is current again and its auto labels are recomputed). The first round
 * starts with an empty model cache (the artifact is loaded and verified once);
 * then one rescore through the real pg-boss worker (one score job per range,
 * production polling interval, `--polling` s); for comparison the bare ML
 * prediction of the same items is timed too.
 */
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { openDb, type DbHandle } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { items } from "@/db/schema";
import { seedDemoProject } from "@/server/demo/seed";
import { requestTraining } from "@/server/services/training";
import { runTraining } from "@/server/services/training";
import { loadVersion } from "@/server/services/models";
import { applyCalibration } from "@/server/services/calibration";
import { scoreProjectInline } from "@/server/services/scoring";
import { toTextInput } from "@/server/services/training";
import { clearLoadedModels } from "@/server/services/models";
import { planScoring } from "@/server/services/models";
import { startWorker } from "@/server/jobs";
import { analyze, openBenchDb } from "./lib/loop-db";
import { waitIdle } from "./lib/loop-jobs";

const { values: a } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    pool: { type: "string", default: "20000" },
    test: { type: "string", default: "2000" },
    epochs: { type: "string", default: "4" },
    rounds: { type: "string", default: "2" },
    polling: { type: "string", default: "2" },
  },
});

async function prepare(h: DbHandle) {
  const seeded = await seedDemoProject(h.db, {
    poolSize: Number(a.pool),
    testSize: Number(a.test),
    legacyLabelShare: 0.05,
    password: "bench-password-123",
  });
  const projectId = seeded.projectId;
  if (h.kind === "postgres") await analyze(h);
  const req = await requestTraining(h.db, { projectId, trigger: "manual", actorId: null });
  const t0 = performance.now();
  const out = await runTraining(h.db, req.versionId, { epochs: Number(a.epochs) });
  if (out.outcome !== "ready") throw new Error(`training ${out.outcome}: ${out.error ?? ""}`);
  console.log(`  trained v${req.versionId} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { projectId, versionId: req.versionId };
}

async function mlOnly(h: DbHandle, projectId: number, versionId: number) {
  const v = await loadVersion(h.db, projectId, versionId);
  const rows = await h.db
    .select({ title: items.title, description: items.description, attributes: items.attributes })
    .from(items)
    .where(eq(items.projectId, projectId));
  const t0 = performance.now();
  await v.model.predict(rows.map(toTextInput), v.calibration, { topK: 3, withEmbedding: true });
  return rows.length / ((performance.now() - t0) / 1000);
}

/** A new calibration row (same figures), so every range is current again and gets rescored. */
async function freshCalibration(h: DbHandle, p: { projectId: number; versionId: number }) {
  const v = await loadVersion(h.db, p.projectId, p.versionId);
  const id = await applyCalibration(h.db, {
    projectId: p.projectId,
    versionId: p.versionId,
    previousId: v.calibrationId,
    actorId: null,
    kind: "bench",
    params: { ...v.calibration },
    thresholds: { global: null, perClass: v.perClass },
    metrics: {},
  });
  if (id === null) throw new Error("version is not active");
  return id;
}

async function viaWorker(h: DbHandle, p: { projectId: number; versionId: number }) {
  const worker = await startWorker(h, { schedule: false, pollingIntervalSeconds: Number(a.polling) });
  try {
    const calibrationId = await freshCalibration(h, p);
    const t0 = performance.now();
    const ranges = await planScoring(h.db, { ...p, calibrationId });
    await waitIdle(h);
    const s = (performance.now() - t0) / 1000;
    const [n] = (await h.executeSql("select count(*)::int as n from items where project_id = $1", [p.projectId])).rows;
    console.log(
      `  rescore via pg-boss (${ranges.length} range jobs, polling ${a.polling} s): ${s.toFixed(1)} s = ${Math.round(Number(n?.n) / s)} items/s`,
    );
  } finally {
    await worker.stop();
  }
}

async function rescore(h: DbHandle, p: { projectId: number; versionId: number }, round: number) {
  const calibrationId = await freshCalibration(h, p);
  if (round === 0) await clearLoadedModels();
  const t0 = performance.now();
  const r = await scoreProjectInline(h.db, { ...p, calibrationId });
  const s = (performance.now() - t0) / 1000;
  console.log(
    `  rescore ${round + 1}${round === 0 ? " (cold cache)" : ""}: ${r.scored} items in ${s.toFixed(1)} s = ${Math.round(r.scored / s)} items/s (accepted ${r.accepted}, revoked ${r.revoked})`,
  );
}

async function runOn(kind: "postgres" | "pglite") {
  console.log(`${kind}:`);
  const bench = kind === "postgres" ? await openBenchDb("loupe_bench_scoring") : null;
  const h = bench?.handle ?? (await openDb({}));
  if (!bench) await migrateDb(h);
  try {
    const p = await prepare(h);
    for (let i = 0; i < Number(a.rounds); i++) await rescore(h, p, i);
    await viaWorker(h, p);
    console.log(
      `  ML predict alone (same items, embeddings on): ${Math.round(await mlOnly(h, p.projectId, p.versionId))} items/s`,
    );
  } finally {
    if (bench) await bench.drop();
    else await h.close();
  }
}

const which = a.db === "both" ? (["postgres", "pglite"] as const) : [a.db as "postgres" | "pglite"];
for (const k of which) await runOn(k);
await clearLoadedModels();
