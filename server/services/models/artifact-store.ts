/**
 * Where a version's model blob lives: model_artifact_parts, one statement per part
 * both ways, so storing or loading a model never holds the database (PGlite's one
 * connection, shared with every request of the demo) for long. The sha256 on the
 * version row is what a loaded blob is verified against (ml's deserializeModel).
 */
import { and, asc, eq, gte, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { modelArtifactParts, modelVersions } from "@/db/schema";

/** 64 KiB: a few milliseconds to write or read on PGlite; a 7 MB model is ~110 statements. */
export const ARTIFACT_PART_BYTES = 64 * 1024;

/**
 * Parts cross the driver as base64 text, decoded and encoded by the database: PGlite's own
 * bytea parameter and result coding costs 4-5x more JavaScript time (22 vs 6 ms to write a part,
 * 11 vs 2 ms to read one), spent on the thread that serves the demo's requests.
 */
const asBytea = (part: Uint8Array) => sql`decode(${Buffer.from(part).toString("base64")}, 'base64')`;
const asBase64 = sql<string>`encode(${modelArtifactParts.bytes}, 'base64')`;

/** Writes the blob's parts (replacing any from an earlier attempt of the same run). */
export async function writeArtifact(db: DbOrTx, versionId: number, bytes: Uint8Array): Promise<void> {
  let part = 0;
  for (let at = 0; at < bytes.length || part === 0; at += ARTIFACT_PART_BYTES, part++) {
    const slice = bytes.subarray(at, Math.min(bytes.length, at + ARTIFACT_PART_BYTES));
    await db
      .insert(modelArtifactParts)
      .values({ modelVersionId: versionId, part, bytes: asBytea(slice) })
      .onConflictDoUpdate({
        target: [modelArtifactParts.modelVersionId, modelArtifactParts.part],
        set: { bytes: asBytea(slice) },
      });
  }
  await db
    .delete(modelArtifactParts)
    .where(and(eq(modelArtifactParts.modelVersionId, versionId), gte(modelArtifactParts.part, part)));
}

export async function deleteArtifact(db: DbOrTx, versionId: number): Promise<void> {
  await db.delete(modelArtifactParts).where(eq(modelArtifactParts.modelVersionId, versionId));
}

/** The blob, part by part; versions stored before parts existed read their single column. Null: none stored. */
export async function readArtifact(db: DbOrTx, versionId: number): Promise<Uint8Array | null> {
  const parts = await db
    .select({ part: modelArtifactParts.part })
    .from(modelArtifactParts)
    .where(eq(modelArtifactParts.modelVersionId, versionId))
    .orderBy(asc(modelArtifactParts.part));
  if (parts.length === 0) {
    const [legacy] = await db
      .select({ artifact: modelVersions.artifact })
      .from(modelVersions)
      .where(eq(modelVersions.id, versionId));
    return legacy?.artifact ? new Uint8Array(legacy.artifact) : null;
  }
  const chunks: Uint8Array[] = [];
  for (const { part } of parts) {
    const [row] = await db
      .select({ base64: asBase64 })
      .from(modelArtifactParts)
      .where(and(eq(modelArtifactParts.modelVersionId, versionId), eq(modelArtifactParts.part, part)));
    if (!row) return null; // deleted meanwhile (the version was removed)
    chunks.push(new Uint8Array(Buffer.from(row.base64, "base64")));
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
