import "server-only";
/** The REST API (server/http/rest): same procedures, same checks as /api/trpc, for pipelines with an API token. */
import { handleRestRequest } from "@/server/http/rest/handler";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = (req: Request) => handleRestRequest(req);
export const POST = (req: Request) => handleRestRequest(req);
