/** Messages between ml/compute.ts (the caller's thread) and ml/compute-worker.ts. */
import type { OpName } from "./compute-ops";

export type ToWorker =
  | { type: "call"; id: number; op: OpName; payload: unknown }
  | { type: "abort"; id: number; reason: string }
  | { type: "model"; key: string; bytes: Uint8Array; sha256: string }
  | { type: "modelError"; key: string; message: string };

export type ToParent =
  | { type: "ready"; backend: string }
  | { type: "fatal"; message: string }
  | { type: "need"; key: string }
  | { type: "progress"; id: number; progress: unknown }
  | { type: "result"; id: number; value: unknown }
  | { type: "error"; id: number; name: string; message: string };
