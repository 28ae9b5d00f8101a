/**
 * A webhook receiver for tests: a plain node:http server on 127.0.0.1 (random port) that
 * checks every delivery's signature with the `standardwebhooks` library itself, and can
 * be told to fail, redirect or answer a long body on a path.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import type { Db } from "@/db/client";
import { annotations, calibrations, categories, items, modelVersions } from "@/db/schema";

export type Received = {
  path: string;
  id: string;
  body: string;
  /** What `Webhook.verify` returned, or null when the signature did not verify (or no secret was known). */
  verified: { type: string; data: Record<string, unknown> } | null;
  answered: number;
};

type Behaviour = { failTimes?: number; redirectTo?: string; bodyBytes?: number };

export type Receiver = {
  url: (path: string) => string;
  /** The secret a path's deliveries are verified with. */
  trust: (path: string, secret: string) => void;
  on: (path: string, b: Behaviour) => void;
  received: Received[];
  at: (path: string) => Received[];
  close: () => Promise<void>;
};

export async function startReceiver(host = "127.0.0.1"): Promise<Receiver> {
  const secrets = new Map<string, string>();
  const behaviours = new Map<string, Behaviour>();
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      const body = Buffer.concat(chunks).toString("utf8");
      const secret = secrets.get(path);
      let verified: Received["verified"] = null;
      try {
        if (secret)
          verified = new Webhook(secret).verify(body, req.headers as Record<string, string>) as Received["verified"];
      } catch {
        verified = null;
      }
      const b = behaviours.get(path) ?? {};
      let answered = 200;
      if (b.redirectTo) {
        answered = 302;
        res.writeHead(302, { location: b.redirectTo }).end();
      } else if (b.failTimes && b.failTimes > 0) {
        b.failTimes--;
        answered = 503;
        res.writeHead(503, { "content-type": "text/plain" }).end("x".repeat(b.bodyBytes ?? 20));
      } else {
        res.writeHead(200, { "content-type": "text/plain" }).end(b.bodyBytes ? "y".repeat(b.bodyBytes) : "ok");
      }
      received.push({ path, id: String(req.headers["webhook-id"] ?? ""), body, verified, answered });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url: (path) => `${base}${path}`,
    trust: (path, secret) => void secrets.set(path, secret),
    on: (path, b) => void behaviours.set(path, b),
    received,
    at: (path) => received.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * What makes the audit-failure rule fire on `versionId` (which must be active): a calibration
 * over the project's categories, then `failed` audits whose people corrected the auto label.
 */
export async function failAudits(db: Db, p: { projectId: number; versionId: number; userId: number; failed: number }) {
  const cats = await db.select({ id: categories.id }).from(categories).where(eq(categories.projectId, p.projectId));
  const catIds = cats.map((c) => c.id);
  const [cal] = await db
    .insert(calibrations)
    .values({
      projectId: p.projectId,
      modelVersionId: p.versionId,
      kind: "training",
      params: {},
      thresholds: { global: 0.9, perClass: catIds.map(() => 0.9) },
      metrics: {},
    })
    .returning({ id: calibrations.id });
  await db
    .update(modelVersions)
    .set({ categoryIds: catIds, currentCalibrationId: cal?.id })
    .where(eq(modelVersions.id, p.versionId));
  const audited = await db.select({ id: items.id }).from(items).where(eq(items.projectId, p.projectId)).limit(p.failed);
  await db.insert(annotations).values(
    audited.map((it, i) => ({
      projectId: p.projectId,
      itemId: it.id,
      userId: p.userId,
      action: "correct" as const,
      categoryId: catIds[1],
      suggestedCategoryId: catIds[0],
      suggestedConfidence: 0.95,
      modelVersionId: p.versionId,
      reason: "audit" as const,
      idempotencyKey: `audit-${p.versionId}-${i}`,
    })),
  );
}
