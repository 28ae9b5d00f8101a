/**
 * The production web server (what `npm start` runs once built and seeded):
 * Next.js's request handler for pages, assets and the import/export routes;
 * /api/trpc answered straight from node:http (server/http-node.ts) with the
 * same handler the Next route uses. Next still runs instrumentation.ts, so the
 * inline job worker starts as under `next start`.
 *
 *   tsx scripts/serve.ts [-p PORT] [-H HOSTNAME]   (defaults: $PORT or 3000; $HOST, else loopback
 *                                                  in the demo and every interface in production)
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { parseArgs } from "node:util";

const IMPORT_PATH = /^\/api\/projects\/[^/]+\/import\/?$/;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } },
  });
  // Before Next loads: it serves the build (dev: false) and expects a production NODE_ENV with it.
  (process.env as Record<string, string>).NODE_ENV = "production";
  // Random per process, so no client can send it: the only way the socket's address reaches Next's routes.
  const peerHeader = `x-loupe-peer-${randomBytes(8).toString("hex")}`;
  process.env.LOUPE_PEER_HEADER = peerHeader;
  const [
    { default: next },
    { isTrpcPath, normalisedPath, refuseTooLarge, serveTrpc },
    { declaredTooLarge },
    { listenHost, loadEnv },
    { startInlineWorker, stopInlineWorker },
    { closeDbHandle },
    { API_CSP, HSTS, SECURITY_HEADERS, servedOverHttps },
  ] = await Promise.all([
    import("next"),
    import("@/server/http/http-node"),
    import("@/server/http/body-limit"),
    import("../server/env"),
    import("../server/jobs"),
    import("../server/db"),
    import("../lib/security-headers"),
  ]);
  const config = loadEnv();
  void config.sessionSecret; // outside the demo: refuse to serve (or run jobs) without a strong secret
  const port = values.port ? Number(values.port) : config.PORT;
  // The jobs start here, from this (tsx) copy of the server code, before Next's instrumentation
  // would start them from its bundle: here the model work has a compute thread of its own
  // (ml/compute.ts), where the bundle would compute on the thread that serves every request.
  if (config.LOUPE_WORKER === "inline") {
    await startInlineWorker().catch((err: unknown) =>
      console.error("Loupe: the inline job worker failed to start:", err),
    );
  }
  const hostname = values.hostname ?? listenHost(config);
  const app = next({ dev: false, dir: process.cwd(), hostname: hostname ?? "localhost", port });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = createServer((req, res) => {
    req.headers[peerHeader] = req.socket.remoteAddress ?? "";
    // Routed on the path Next would route, so /api/./trpc/... and /api/%2e/trpc/... get the same cap.
    const routed = normalisedPath(req.url);
    const trpc = isTrpcPath(routed ?? undefined);
    // Next sets these on what it serves; the answers given here without Next need them too.
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (servedOverHttps("http:", req.headers["x-forwarded-proto"]?.toString()))
      res.setHeader("strict-transport-security", HSTS);
    // Only imports take more than the tRPC cap (they enforce their own, larger one); the rest
    // (pages, server actions) is refused on its declared length before Next reads it.
    if (!trpc && !IMPORT_PATH.test(routed?.split("?")[0] ?? "") && declaredTooLarge(req.headers["content-length"])) {
      res.setHeader("content-security-policy", API_CSP);
      refuseTooLarge(res);
      return;
    }
    if (trpc) res.setHeader("content-security-policy", API_CSP);
    const served = trpc ? serveTrpc(req, res) : handle(req, res);
    served.catch((err: unknown) => {
      console.error(`${req.method} ${req.url} failed:`, err);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal server error");
    });
  });
  // Idle keep-alive sockets are closed by the server only well after any client would reuse them:
  // a close racing a client's next request on the same socket fails that request ("fetch failed").
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, resolve);
  });
  console.log(`Loupe web server ${whereListening(server.address(), port, config.mode)}`);

  let stopping = false;
  const stop = async (signal: string) => {
    console.log(`${signal}: closing the web server`);
    // Bounded: a request or job that will not finish must not keep the process alive.
    setTimeout(() => process.exit(1), 15_000).unref();
    // Idle keep-alive sockets go now; requests in flight finish and get their answer.
    const closed = new Promise((r) => server.close(r));
    server.closeIdleConnections();
    await closed;
    // Then the jobs and the database, so an embedded PGlite folder is closed cleanly.
    await stopInlineWorker().catch((e: unknown) => console.error("stopping the job worker:", e));
    await closeDbHandle().catch((e: unknown) => console.error("closing the database:", e));
    console.log("stopped");
    process.exit(0);
  };
  // Ctrl-C reaches this process several times (the terminal's process group, then npm, tsx and
  // scripts/start.ts passing it on): the first starts the shutdown, repeats change nothing.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void stop(signal);
    });
  }
}

/** What the server really bound, said plainly: "localhost" when only loopback listens, never when everyone can connect. */
function whereListening(address: ReturnType<Server["address"]>, port: number, mode: string): string {
  const bound = typeof address === "object" && address ? address.address : "";
  if (bound === "::" || bound === "0.0.0.0" || bound === "")
    return `listening on every interface, port ${port} (http://localhost:${port} on this machine)`;
  const host = bound.includes(":") ? `[${bound}]` : bound;
  const hint = mode === "demo" && /^(127\.|::1$)/.test(bound) ? " (this machine only; set HOST to serve others)" : "";
  return `listening on http://${host}:${port}${hint}`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
