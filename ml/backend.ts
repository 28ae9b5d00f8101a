import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

export type BackendPreference = "auto" | "tensorflow" | "wasm" | "cpu";

let nodeProbe: Promise<boolean> | null = null;
/** The backend the last initBackend() call settled on ("auto" keeps it). */
let chosen: string | null = null;

/** tfjs-node is optional (its install downloads libtensorflow): probe at run time only. */
function probeTfjsNode(): Promise<boolean> {
  nodeProbe ??= (async () => {
    const name = "@tensorflow/tfjs-node"; // a variable keeps bundlers and tsc from resolving it
    try {
      await import(/* @vite-ignore */ name);
      return tf.findBackendFactory("tensorflow") != null;
    } catch {
      return false;
    }
  })();
  return nodeProbe;
}

async function trySet(name: string): Promise<boolean> {
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

/** Backends that can be selected in this process, best first. */
export async function availableBackends(): Promise<string[]> {
  const out: string[] = [];
  if (await probeTfjsNode()) out.push("tensorflow");
  out.push("wasm", "cpu");
  return out;
}

/**
 * Picks the tfjs backend: tfjs-node if installed, else wasm, else cpu.
 * Idempotent: returns at once when the wanted backend is already active.
 */
export async function initBackend(prefer: BackendPreference = "auto"): Promise<string> {
  const current = tf.getBackend();
  if (prefer === "auto" ? chosen !== null && current === chosen : current === prefer) return current;
  const order =
    prefer === "auto"
      ? await availableBackends()
      : prefer === "tensorflow"
        ? ["tensorflow", "wasm", "cpu"]
        : [prefer, "cpu"];
  for (const name of order) {
    if (name === "tensorflow" && !(await probeTfjsNode())) continue;
    if (await trySet(name)) {
      chosen = name;
      return name;
    }
  }
  throw new Error(`no tfjs backend could be initialised (tried ${order.join(", ")})`);
}

export function currentBackend(): string {
  return tf.getBackend();
}
