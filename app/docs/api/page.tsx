import type { Metadata } from "next";
import { headers } from "next/headers";
import Script from "next/script";

export const metadata: Metadata = { title: "API reference" };

/** This request's CSP nonce (proxy.ts put the policy on the request): Scalar's script needs it to run. */
async function cspNonce(): Promise<string | undefined> {
  const csp = (await headers()).get("content-security-policy") ?? "";
  return /'nonce-([^']+)'/.exec(csp)?.[1];
}

/**
 * The REST API's browsable reference: Scalar renders /api/v1/openapi.json in the browser.
 * Public like the document itself; trying a call needs a token pasted into Scalar's auth box.
 */
export default async function ApiReferencePage() {
  const nonce = await cspNonce();
  return (
    <>
      <div id="api-reference" className="min-h-dvh">
        <noscript>
          The API reference needs JavaScript; the document itself is at{" "}
          <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.
        </noscript>
      </div>
      <Script src="/docs/api/reference.js" nonce={nonce} strategy="afterInteractive" />
    </>
  );
}
