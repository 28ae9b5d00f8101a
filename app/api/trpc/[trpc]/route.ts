import "server-only";
import { handleTrpcRequest } from "@/server/http/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = handleTrpcRequest;
export const POST = handleTrpcRequest;
