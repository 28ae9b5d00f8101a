/** Streamed label download for the UI's export link; access rules live in the handler. */
import "server-only";
import { getDbHandle } from "@/server/db";
import { env } from "@/server/env";
import { handleExportRequest } from "@/server/http/export-route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

async function exportRoute(req: Request, ctx: { params: Promise<{ projectId: string }> }): Promise<Response> {
  const { db } = await getDbHandle();
  const e = env();
  return handleExportRequest(
    req,
    { db, sessionSecret: e.sessionSecret, tokenRatePerMinute: e.API_TOKEN_RATE_PER_MINUTE },
    (await ctx.params).projectId,
  );
}

/** GET answers 405: the export is audited, so only a same-origin POST runs it. */
export const GET = exportRoute;
export const POST = exportRoute;
