/**
 * Next.js calls `register()` once when a server starts. With LOUPE_WORKER=inline
 * (the default; required with PGlite, which belongs to one process) the job
 * worker runs inside the web server. LOUPE_WORKER=off for web-only nodes when
 * `npm run worker` runs elsewhere on Postgres.
 */
export async function register(): Promise<void> {
  // Node only (not the edge runtime), and never while `next build` collects pages.
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { env } = await import("./server/env");
  try {
    void env().sessionSecret; // outside the demo: refuse to serve without a strong secret
  } catch (err) {
    console.error(`Loupe: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  if (env().LOUPE_WORKER !== "inline") return;
  const { startInlineWorker } = await import("./server/jobs");
  try {
    await startInlineWorker();
  } catch (err) {
    // The site stays up without background jobs; training and scoring wait until a restart.
    console.error("Loupe: the inline job worker failed to start:", err);
  }
}
