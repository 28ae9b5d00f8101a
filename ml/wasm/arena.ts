import { type Kernels, instantiateKernels } from "./kernels";

const PAGE = 65536;

/**
 * One WebAssembly memory sized once (it never grows: growing would detach every typed-array
 * view handed out) with the SIMD kernels bound to it, and a bump allocator of 16-byte-aligned
 * regions. Shared memories (SharedArrayBuffer) can be handed to worker threads for Hogwild.
 */
export class Arena {
  readonly mem: WebAssembly.Memory;
  readonly k: Kernels;
  readonly shared: boolean;
  private top = 16; // 0 stays unused, so a zero pointer is never a live region

  private constructor(mem: WebAssembly.Memory, shared: boolean) {
    this.mem = mem;
    this.shared = shared;
    this.k = instantiateKernels(mem, shared);
  }

  /** An arena of at least `bytes` bytes. */
  static create(bytes: number, shared = false): Arena {
    const pages = Math.ceil((bytes + 64) / PAGE);
    if (pages > 65536) throw new Error(`model needs ${bytes} bytes of kernel memory, over WebAssembly's 4 GiB`);
    const mem = shared
      ? new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true })
      : new WebAssembly.Memory({ initial: pages, maximum: pages });
    return new Arena(mem, shared);
  }

  /** The same memory in another thread (its own kernel instance). */
  static attach(mem: WebAssembly.Memory, shared: boolean): Arena {
    return new Arena(mem, shared);
  }

  get size(): number {
    return this.mem.buffer.byteLength;
  }

  alloc(bytes: number): number {
    const p = this.top;
    this.top = (p + bytes + 15) & ~15;
    if (this.top > this.size) throw new Error(`arena exhausted: ${this.top} > ${this.size} bytes`);
    return p;
  }

  f32(ptr: number, count: number): Float32Array {
    return new Float32Array(this.mem.buffer, ptr, count);
  }

  i32(ptr: number, count: number): Int32Array {
    return new Int32Array(this.mem.buffer, ptr, count);
  }
}

/** Bytes an allocation of `bytes` takes in an arena (16-byte rounding). */
export const padded = (bytes: number): number => (bytes + 15) & ~15;
