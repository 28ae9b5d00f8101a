/**
 * A very small WebAssembly emitter: enough to write the classifier's vector loops with 128-bit
 * SIMD, as TypeScript that reads like the loops it produces. No toolchain, no binary in the
 * repository: the module is assembled in memory when first needed (~1 ms).
 * Opcodes: WebAssembly core spec 2.0 and its fixed-width SIMD proposal (prefix 0xfd, LEB index).
 */
export type Code = number[];
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const simd = (op: number, ...imm: number[]): Code => [0xfd, ...uleb(op), ...imm];
const memarg = (align: number): number[] => [align, 0];

/** Instructions; each returns its bytes, operands first (stack order). */
export const w = {
  get: (l: number): Code => [0x20, ...uleb(l)],
  set: (l: number, v: Code): Code => [...v, 0x21, ...uleb(l)],
  i32: (n: number): Code => [0x41, ...sleb(n | 0)],
  f32: (x: number): Code => [0x43, ...new Uint8Array(new Float32Array([x]).buffer)],
  add: (a: Code, b: Code): Code => [...a, ...b, 0x6a],
  sub: (a: Code, b: Code): Code => [...a, ...b, 0x6b],
  mul: (a: Code, b: Code): Code => [...a, ...b, 0x6c],
  ltU: (a: Code, b: Code): Code => [...a, ...b, 0x49],
  geU: (a: Code, b: Code): Code => [...a, ...b, 0x4f],
  loadI32: (addr: Code): Code => [...addr, 0x28, ...memarg(2)],
  loadF32: (addr: Code): Code => [...addr, 0x2a, ...memarg(2)],
  storeF32: (addr: Code, v: Code): Code => [...addr, ...v, 0x38, ...memarg(2)],
  fadd: (a: Code, b: Code): Code => [...a, ...b, 0x92],
  fne: (a: Code, b: Code): Code => [...a, ...b, 0x5c],
  fmul: (a: Code, b: Code): Code => [...a, ...b, 0x94],
  fdiv: (a: Code, b: Code): Code => [...a, ...b, 0x95],
  fsqrt: (a: Code): Code => [...a, 0x91],
  shrU: (a: Code, b: Code): Code => [...a, ...b, 0x76],
  fconvU: (a: Code): Code => [...a, 0xb3],
  // 128-bit lanes: four float32 (alignment hint 4 bytes: rows are float-aligned, not 16-aligned).
  vload: (addr: Code): Code => [...addr, ...simd(0x00, ...memarg(2))],
  vstore: (addr: Code, v: Code): Code => [...addr, ...v, ...simd(0x0b, ...memarg(2))],
  vsplat: (x: Code): Code => [...x, ...simd(0x13)],
  vlane: (v: Code, lane: number): Code => [...v, ...simd(0x1f, lane)],
  vadd: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe4)],
  vsub: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe5)],
  vmul: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe6)],
  vdiv: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe7)],
  vsqrt: (a: Code): Code => [...a, ...simd(0xe3)],
  when: (cond: Code, body: Code): Code => [...cond, 0x04, 0x40, ...body, 0x0b],
  /** for (l = from; l < to; l += step) body — unsigned compare, `to` evaluated each turn. */
  loop: (l: number, from: Code, to: Code, step: number, body: Code): Code => [
    ...w.set(l, from),
    0x02,
    0x40,
    0x03,
    0x40,
    ...w.geU(w.get(l), to),
    0x0d,
    1,
    ...body,
    ...w.set(l, w.add(w.get(l), w.i32(step))),
    0x0c,
    0,
    0x0b,
    0x0b,
  ],
};

export type FnDef = { name: string; params: ValType[]; locals: ValType[]; body: Code };

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const str = (s: string): number[] => {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
};

/** A module importing `env.mem` (shared or not) and exporting every function (no results). */
export function emitModule(fns: FnDef[], shared: boolean): Uint8Array<ArrayBuffer> {
  const types = fns.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0]);
  const limits = shared ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const imports = vec([[...str("env"), ...str("mem"), 0x02, ...limits]]);
  const funcs = vec(fns.map((_, i) => uleb(i)));
  const exports = vec(fns.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]));
  const code = vec(
    fns.map((f) => {
      const locals = vec(f.locals.map((t) => [1, t]));
      const body = [...locals, ...f.body, 0x0b];
      return [...uleb(body.length), ...body];
    }),
  );
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, code),
  ]);
}
