/**
 * One signed POST to a receiver, SSRF-safe: only http(s), the address checked is the
 * address dialled (see url-guard.ts), redirects are not followed (a 3xx is a failure),
 * the whole exchange has a deadline, and only the first KB of the answer is kept.
 */
import http from "node:http";
import https from "node:https";
import { Webhook } from "standardwebhooks";
import { RESPONSE_EXCERPT_BYTES } from "./config";
import { BlockedTargetError, guardedLookup, literalAddress, parseWebhookUrl, refusedAddress } from "./url-guard";

export type SendResult =
  | { ok: true; statusCode: number; excerpt: string }
  | { ok: false; statusCode: number | null; error: string; excerpt: string | null };

export type SignedMessage = { messageId: string; body: string; secret: string; timestamp?: Date };

/** The Standard Webhooks headers for one message (the signature covers id, timestamp and body). */
export function signatureHeaders(m: SignedMessage): Record<string, string> {
  const timestamp = m.timestamp ?? new Date();
  return {
    "webhook-id": m.messageId,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": new Webhook(m.secret).sign(m.messageId, timestamp, m.body),
  };
}

export async function sendWebhook(
  rawUrl: string,
  m: SignedMessage,
  o: { allowPrivate: boolean; timeoutMs: number },
): Promise<SendResult> {
  let url: URL;
  try {
    url = parseWebhookUrl(rawUrl);
  } catch (e) {
    return { ok: false, statusCode: null, error: (e as Error).message, excerpt: null };
  }
  // An address in the URL is dialled without a lookup, so the guard in the lookup never sees it.
  const literal = literalAddress(url);
  const why = literal ? refusedAddress(literal, o.allowPrivate) : null;
  if (why) return { ok: false, statusCode: null, error: `Refused target: ${why}`, excerpt: null };
  try {
    const { statusCode, excerpt } = await post(url, m, o);
    if (statusCode >= 200 && statusCode < 300) return { ok: true, statusCode, excerpt };
    const error =
      statusCode >= 300 && statusCode < 400
        ? `Redirect (${statusCode}) not followed`
        : `Receiver answered ${statusCode}`;
    return { ok: false, statusCode, error, excerpt };
  } catch (e) {
    const err = e as Error;
    const error =
      err instanceof BlockedTargetError
        ? `Refused target: ${err.message}`
        : `${err.name}: ${err.message}`.slice(0, 500);
    return { ok: false, statusCode: null, error, excerpt: null };
  }
}

function post(
  url: URL,
  m: SignedMessage,
  o: { allowPrivate: boolean; timeoutMs: number },
): Promise<{ statusCode: number; excerpt: string }> {
  const client = url.protocol === "https:" ? https : http;
  const body = Buffer.from(m.body, "utf8");
  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-length": String(body.length),
        "user-agent": "Loupe-Webhooks/1",
        ...signatureHeaders(m),
      },
      lookup: guardedLookup(o.allowPrivate),
      // No keep-alive pool: every delivery looks its target up (and is checked) again.
      agent: false,
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on("data", (chunk: Buffer) => {
        if (kept >= RESPONSE_EXCERPT_BYTES) return;
        chunks.push(chunk.subarray(0, RESPONSE_EXCERPT_BYTES - kept));
        kept += Math.min(chunk.length, RESPONSE_EXCERPT_BYTES - kept);
        // Enough read: the rest of the body is not wanted, however long it is.
        if (kept >= RESPONSE_EXCERPT_BYTES) res.destroy();
      });
      const done = () => resolve({ statusCode: res.statusCode ?? 0, excerpt: excerptOf(Buffer.concat(chunks)) });
      res.on("end", done);
      res.on("close", done);
      res.on("error", done);
    });
    req.end(body);
  });
}

/** Valid UTF-8 text (a cut multibyte character dropped), without NUL bytes Postgres text refuses. */
function excerptOf(bytes: Buffer): string {
  return new TextDecoder("utf-8", { fatal: false })
    .decode(bytes)
    .replace(/\uFFFD+$/, "")
    .replaceAll("\u0000", "");
}
