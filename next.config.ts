import type { NextConfig } from "next";
import { API_CSP, HSTS, SECURITY_HEADERS } from "./lib/security-headers";

const BASE = Object.entries(SECURITY_HEADERS).map(([key, value]) => ({ key, value }));

const nextConfig: NextConfig = {
  // Native and WASM packages must load from node_modules, not the bundle
  // (Turbopack breaks tfjs-backend-wasm's .wasm lookup).
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@tensorflow/tfjs",
    "@tensorflow/tfjs-backend-wasm",
    "@node-rs/argon2",
    "pg-boss",
    "postgres",
  ],
  poweredByHeader: false,
  // forbidden() in a page answers HTTP 403 with app/**/forbidden.tsx (a page the role may not open).
  experimental: { authInterrupts: true },
  // Everything Next serves (API routes, assets, files); pages get their CSP with a nonce from proxy.ts.
  async headers() {
    return [
      { source: "/:path*", headers: BASE },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CSP }] },
      {
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [{ key: "Strict-Transport-Security", value: HSTS }],
      },
    ];
  },
};

export default nextConfig;
