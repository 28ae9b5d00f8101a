/**
 * Scalar's self-contained browser build, served from this origin (the page CSP allows no
 * other script host), with the call that mounts it on the page's #api-reference. The
 * build holds no eval or `new Function`, so it runs without 'unsafe-eval'; the styles it
 * injects at runtime are allowed by the page policy's style-src 'unsafe-inline'.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

const INIT = `
window.Scalar.createApiReference("#api-reference", {
  url: "/api/v1/openapi.json",
  withDefaultFonts: false,
  hideClientButton: true,
  telemetry: false,
});
`;

let body: Promise<string> | undefined;

function script(): Promise<string> {
  body ??= readFile(
    path.join(process.cwd(), "node_modules/@scalar/api-reference/dist/browser/standalone.js"),
    "utf8",
  ).then(
    (js) => js.replace(/\n\/\/# sourceMappingURL=.*$/, "") + INIT,
    (err: unknown) => {
      body = undefined; // try again on the next request
      throw err;
    },
  );
  return body;
}

export async function GET(): Promise<Response> {
  return new Response(await script(), {
    headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" },
  });
}
