import type { NextConfig } from "next";

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
};

export default nextConfig;
