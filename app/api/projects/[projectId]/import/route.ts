/** Streamed upload (files too large for tRPC); access rules and limits live in the handler. */
import "server-only";
import { getDbHandle } from "@/server/db";
import { env } from "@/server/env";
import { handleImportRequest } from "@/server/http/import-route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function POST(req: Request, ctx: { params: Promise<{ projectId: string }> }): Promise<Response> {
  const { db } = await getDbHandle();
  return handleImportRequest(req, { db, sessionSecret: env().sessionSecret }, (await ctx.params).projectId);
}
