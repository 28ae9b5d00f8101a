/**
 * The process's compute (ml/compute.ts): models live in one compute thread, off the
 * thread that serves requests and, in the demo, runs the embedded database. Stored
 * versions are keyed by (database, version id, artifact sha256):
 * - the database, because version ids are per database and one process can hold several
 *   (tests on PGlite and Postgres, benches): each db object gets a number through a
 *   WeakMap, so the key never keeps a closed database alive;
 * - the sha256, read from the version row on every load, so a held model is one whose
 *   bytes were verified against that very sha256; an artifact rewritten under the same
 *   id is loaded and verified again.
 */
import { Compute } from "@/ml/compute";
import { env } from "@/server/env";

/**
 * Database numbers live on globalThis with the compute itself: the web server loads this
 * module twice (Next's bundle, and tsx for the tRPC fast path and the jobs), and both
 * copies must number one database alike.
 */
const g = globalThis as unknown as {
  __loupeModelDbIds?: { map: WeakMap<object, number>; next: number };
  __loupeCompute?: Compute;
};
const ids = (g.__loupeModelDbIds ??= { map: new WeakMap(), next: 1 });

function dbKey(db: object): number {
  let id = ids.map.get(db);
  if (id === undefined) {
    id = ids.next++;
    ids.map.set(db, id);
  }
  return id;
}

export function modelKey(db: object, versionId: number, sha256: string): string {
  return `version:${dbKey(db)}:${versionId}:${sha256}`;
}

/** One per process (globalThis survives Next's dev-mode module reloads). */
export function compute(): Compute {
  g.__loupeCompute ??= new Compute(env().LOUPE_COMPUTE);
  return g.__loupeCompute;
}

/** Forgets every loaded version, so the next load reads and verifies its bytes again. */
export function clearLoadedModels(): Promise<void> {
  return compute().clearModels();
}
