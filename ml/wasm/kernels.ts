/**
 * The classifier's hot loops as WebAssembly SIMD (four float32 lanes). Every pointer is a byte
 * offset into the one memory; `rb` is a row's length in bytes (dim × 4, dim a multiple of 4).
 * Items are visited through `order` (int32 item numbers), so a shuffled mini-batch needs no copy.
 * Features are the CSR arrays of a SparseBatch (offs int32 [n+1], ids int32, wts float32).
 * The same loops in plain TypeScript, and the tfjs way, are measured beside these in bench:ml.
 */
import { type Code, type FnDef, F32, I32, V128, type ValType, emitModule, w } from "./emit";

function fn(
  name: string,
  params: [string, ValType][],
  locals: [string, ValType][],
  body: (l: Record<string, number>) => Code,
): FnDef {
  const l: Record<string, number> = {};
  [...params, ...locals].forEach(([n], i) => (l[n] = i));
  return { name, params: params.map(([, t]) => t), locals: locals.map(([, t]) => t), body: body(l) };
}

const ZERO4 = w.vsplat(w.f32(0));
/** Sum of the four lanes of v128 local `v`. */
const hsum = (v: number): Code =>
  w.fadd(w.fadd(w.vlane(w.get(v), 0), w.vlane(w.get(v), 1)), w.fadd(w.vlane(w.get(v), 2), w.vlane(w.get(v), 3)));
/** Item number order[j]. */
const itemAt = (order: number, j: number): Code => w.loadI32(w.add(w.get(order), w.mul(w.get(j), w.i32(4))));
const i32 = (n: string): [string, ValType] => [n, I32];

/** out[j−j0] = Σ_p wts[p] · tab[ids[p]] over item order[j]'s features, for j in [j0, j1). */
const bag = fn(
  "bag",
  [i32("order"), i32("j0"), i32("j1"), i32("offs"), i32("ids"), i32("wts"), i32("tab"), i32("rb"), i32("out")],
  [i32("j"), i32("i"), i32("p"), i32("e"), i32("o"), i32("r"), i32("k"), ["wv", V128]],
  (l) =>
    w.loop(l.j!, w.get(l.j0!), w.get(l.j1!), 1, [
      ...w.set(l.i!, itemAt(l.order!, l.j!)),
      ...w.set(l.o!, w.add(w.get(l.out!), w.mul(w.sub(w.get(l.j!), w.get(l.j0!)), w.get(l.rb!)))),
      ...w.loop(l.k!, w.i32(0), w.get(l.rb!), 16, w.vstore(w.add(w.get(l.o!), w.get(l.k!)), ZERO4)),
      ...w.set(l.e!, w.loadI32(w.add(w.get(l.offs!), w.mul(w.add(w.get(l.i!), w.i32(1)), w.i32(4))))),
      ...w.loop(l.p!, w.loadI32(w.add(w.get(l.offs!), w.mul(w.get(l.i!), w.i32(4)))), w.get(l.e!), 1, [
        ...w.set(
          l.r!,
          w.add(w.get(l.tab!), w.mul(w.loadI32(w.add(w.get(l.ids!), w.mul(w.get(l.p!), w.i32(4)))), w.get(l.rb!))),
        ),
        ...w.set(l.wv!, w.vsplat(w.loadF32(w.add(w.get(l.wts!), w.mul(w.get(l.p!), w.i32(4)))))),
        ...w.loop(
          l.k!,
          w.i32(0),
          w.get(l.rb!),
          16,
          w.vstore(
            w.add(w.get(l.o!), w.get(l.k!)),
            w.vadd(
              w.vload(w.add(w.get(l.o!), w.get(l.k!))),
              w.vmul(w.get(l.wv!), w.vload(w.add(w.get(l.r!), w.get(l.k!)))),
            ),
          ),
        ),
      ]),
    ]),
);

const bagKernel = (name: string, vectors: number) =>
  fn(
    name,
    [i32("order"), i32("j0"), i32("j1"), i32("offs"), i32("ids"), i32("wts"), i32("tab"), i32("rb"), i32("out")],
    [
      i32("j"),
      i32("i"),
      i32("p"),
      i32("p0"),
      i32("e"),
      i32("o"),
      i32("r"),
      i32("q"),
      ["wv", V128],
      ...Array.from({ length: vectors }, (_, v): [string, ValType] => [`a${v}`, V128]),
    ],
    (l) => {
      const acc = Array.from({ length: vectors }, (_, v) => l[`a${v}`] as number);
      return w.loop(l.j!, w.get(l.j0!), w.get(l.j1!), 1, [
        ...w.set(l.i!, itemAt(l.order!, l.j!)),
        ...w.set(l.o!, w.add(w.get(l.out!), w.mul(w.sub(w.get(l.j!), w.get(l.j0!)), w.get(l.rb!)))),
        ...w.set(l.p0!, w.loadI32(w.add(w.get(l.offs!), w.mul(w.get(l.i!), w.i32(4))))),
        ...w.set(l.e!, w.loadI32(w.add(w.get(l.offs!), w.mul(w.add(w.get(l.i!), w.i32(1)), w.i32(4))))),
        ...w.loop(l.q!, w.i32(0), w.get(l.rb!), 16 * vectors, [
          ...acc.flatMap((a) => w.set(a, ZERO4)),
          ...w.loop(l.p!, w.get(l.p0!), w.get(l.e!), 1, [
            ...w.set(
              l.r!,
              w.add(
                w.add(w.get(l.tab!), w.get(l.q!)),
                w.mul(w.loadI32(w.add(w.get(l.ids!), w.mul(w.get(l.p!), w.i32(4)))), w.get(l.rb!)),
              ),
            ),
            ...w.set(l.wv!, w.vsplat(w.loadF32(w.add(w.get(l.wts!), w.mul(w.get(l.p!), w.i32(4)))))),
            ...acc.flatMap((a, v) =>
              w.set(a, w.vadd(w.get(a), w.vmul(w.get(l.wv!), w.vload(w.add(w.get(l.r!), w.i32(16 * v)))))),
            ),
          ]),
          ...acc.flatMap((a, v) => w.vstore(w.add(w.add(w.get(l.o!), w.get(l.q!)), w.i32(16 * v)), w.get(a))),
        ]),
      ]);
    },
  );
/**
 * The same bag for rows of a multiple of 16 floats, one cache line (16 floats) of every feature
 * row per pass into four register accumulators: the row loads of a pass do not wait on each
 * other (the plain loop's running sum in memory chains them), so the cache misses overlap.
 */
const bag16 = bagKernel("bag16", 4);

/** out[i·C + c] = b[c] + W[c] · X[i] for i < n, c < C (W row-major C × dim). */
const logits = fn(
  "logits",
  [i32("W"), i32("b"), i32("X"), i32("n"), i32("C"), i32("rb"), i32("out")],
  [i32("i"), i32("c"), i32("k"), i32("x"), i32("wr"), i32("z"), ["acc", V128]],
  (l) =>
    w.loop(l.i!, w.i32(0), w.get(l.n!), 1, [
      ...w.set(l.x!, w.add(w.get(l.X!), w.mul(w.get(l.i!), w.get(l.rb!)))),
      ...w.set(l.z!, w.add(w.get(l.out!), w.mul(w.mul(w.get(l.i!), w.get(l.C!)), w.i32(4)))),
      ...w.loop(l.c!, w.i32(0), w.get(l.C!), 1, [
        ...w.set(l.wr!, w.add(w.get(l.W!), w.mul(w.get(l.c!), w.get(l.rb!)))),
        ...w.set(l.acc!, ZERO4),
        ...w.loop(
          l.k!,
          w.i32(0),
          w.get(l.rb!),
          16,
          w.set(
            l.acc!,
            w.vadd(
              w.get(l.acc!),
              w.vmul(w.vload(w.add(w.get(l.wr!), w.get(l.k!))), w.vload(w.add(w.get(l.x!), w.get(l.k!)))),
            ),
          ),
        ),
        ...w.storeF32(
          w.add(w.get(l.z!), w.mul(w.get(l.c!), w.i32(4))),
          w.fadd(hsum(l.acc!), w.loadF32(w.add(w.get(l.b!), w.mul(w.get(l.c!), w.i32(4))))),
        ),
      ]),
    ]),
);

/** For each item i: gX[i] = Σ_c G[i,c] · W[c]; gW[c] += G[i,c] · X[i] (rows with G = 0 skipped). */
const backward = fn(
  "backward",
  [i32("W"), i32("X"), i32("G"), i32("n"), i32("C"), i32("rb"), i32("gW"), i32("gX")],
  [i32("i"), i32("c"), i32("k"), i32("x"), i32("gx"), i32("wr"), i32("gw"), ["g", F32], ["gv", V128]],
  (l) =>
    w.loop(l.i!, w.i32(0), w.get(l.n!), 1, [
      ...w.set(l.x!, w.add(w.get(l.X!), w.mul(w.get(l.i!), w.get(l.rb!)))),
      ...w.set(l.gx!, w.add(w.get(l.gX!), w.mul(w.get(l.i!), w.get(l.rb!)))),
      ...w.loop(l.k!, w.i32(0), w.get(l.rb!), 16, w.vstore(w.add(w.get(l.gx!), w.get(l.k!)), ZERO4)),
      ...w.loop(l.c!, w.i32(0), w.get(l.C!), 1, [
        ...w.set(
          l.g!,
          w.loadF32(w.add(w.get(l.G!), w.mul(w.add(w.mul(w.get(l.i!), w.get(l.C!)), w.get(l.c!)), w.i32(4)))),
        ),
        ...w.when(w.fne(w.get(l.g!), w.f32(0)), [
          ...w.set(l.gv!, w.vsplat(w.get(l.g!))),
          ...w.set(l.wr!, w.add(w.get(l.W!), w.mul(w.get(l.c!), w.get(l.rb!)))),
          ...w.set(l.gw!, w.add(w.get(l.gW!), w.mul(w.get(l.c!), w.get(l.rb!)))),
          ...w.loop(l.k!, w.i32(0), w.get(l.rb!), 16, [
            ...w.vstore(
              w.add(w.get(l.gw!), w.get(l.k!)),
              w.vadd(
                w.vload(w.add(w.get(l.gw!), w.get(l.k!))),
                w.vmul(w.get(l.gv!), w.vload(w.add(w.get(l.x!), w.get(l.k!)))),
              ),
            ),
            ...w.vstore(
              w.add(w.get(l.gx!), w.get(l.k!)),
              w.vadd(
                w.vload(w.add(w.get(l.gx!), w.get(l.k!))),
                w.vmul(w.get(l.gv!), w.vload(w.add(w.get(l.wr!), w.get(l.k!)))),
              ),
            ),
          ]),
        ]),
      ]),
    ]),
);

/** The row updates' parameters: which items (order[j0..j1)), their features, the table and its sums, dLoss/dBag, rate. */
const UPDATE_PARAMS: [string, ValType][] = [
  ...["order", "j0", "j1", "offs", "ids", "wts", "tab", "acc", "rb", "gBag"].map(i32),
  ["lr", F32],
  ["eps", F32],
];

/**
 * Sparse Adagrad on the rows item order[j] touched, per occurrence, in order:
 * g = wts[p] · gBag[j−j0]; acc += g²; tab −= lr · g / (√acc + eps).
 */
const adagrad = fn(
  "adagrad",
  UPDATE_PARAMS,
  [
    i32("j"),
    i32("i"),
    i32("p"),
    i32("e"),
    i32("gb"),
    i32("r"),
    i32("k"),
    ["wv", V128],
    ["g", V128],
    ["a", V128],
    ["lrv", V128],
    ["epsv", V128],
  ],
  (l) => [
    ...w.set(l.lrv!, w.vsplat(w.get(l.lr!))),
    ...w.set(l.epsv!, w.vsplat(w.get(l.eps!))),
    ...w.loop(l.j!, w.get(l.j0!), w.get(l.j1!), 1, [
      ...w.set(l.i!, itemAt(l.order!, l.j!)),
      ...w.set(l.gb!, w.add(w.get(l.gBag!), w.mul(w.sub(w.get(l.j!), w.get(l.j0!)), w.get(l.rb!)))),
      ...w.set(l.e!, w.loadI32(w.add(w.get(l.offs!), w.mul(w.add(w.get(l.i!), w.i32(1)), w.i32(4))))),
      ...w.loop(l.p!, w.loadI32(w.add(w.get(l.offs!), w.mul(w.get(l.i!), w.i32(4)))), w.get(l.e!), 1, [
        ...w.set(l.r!, w.mul(w.loadI32(w.add(w.get(l.ids!), w.mul(w.get(l.p!), w.i32(4)))), w.get(l.rb!))),
        ...w.set(l.wv!, w.vsplat(w.loadF32(w.add(w.get(l.wts!), w.mul(w.get(l.p!), w.i32(4)))))),
        ...w.loop(l.k!, w.i32(0), w.get(l.rb!), 16, [
          ...w.set(l.g!, w.vmul(w.get(l.wv!), w.vload(w.add(w.get(l.gb!), w.get(l.k!))))),
          ...w.set(
            l.a!,
            w.vadd(w.vload(w.add(w.get(l.acc!), w.add(w.get(l.r!), w.get(l.k!)))), w.vmul(w.get(l.g!), w.get(l.g!))),
          ),
          ...w.vstore(w.add(w.get(l.acc!), w.add(w.get(l.r!), w.get(l.k!))), w.get(l.a!)),
          ...w.vstore(
            w.add(w.get(l.tab!), w.add(w.get(l.r!), w.get(l.k!))),
            w.vsub(
              w.vload(w.add(w.get(l.tab!), w.add(w.get(l.r!), w.get(l.k!)))),
              w.vdiv(w.vmul(w.get(l.lrv!), w.get(l.g!)), w.vadd(w.vsqrt(w.get(l.a!)), w.get(l.epsv!))),
            ),
          ),
        ]),
      ]),
    ]),
  ],
);

/**
 * Row-wise Adagrad: one squared-gradient sum per row (the mean of g² over the row), so a step is
 * a scaled axpy with no per-element square root: acc[r] += mean(g²); tab[r] −= lr · g / (√acc[r] + eps).
 */
const adagradRowKernel = (name: string, unroll: 1 | 4) =>
  fn(
    name,
    UPDATE_PARAMS,
    [
      i32("j"),
      i32("i"),
      i32("p"),
      i32("e"),
      i32("gb"),
      i32("r"),
      i32("k"),
      i32("id"),
      ["wt", F32],
      ["ss", V128],
      ["g", V128],
      ["a", F32],
      ["sv", V128],
    ],
    (l) =>
      w.loop(l.j!, w.get(l.j0!), w.get(l.j1!), 1, [
        ...w.set(l.i!, itemAt(l.order!, l.j!)),
        ...w.set(l.gb!, w.add(w.get(l.gBag!), w.mul(w.sub(w.get(l.j!), w.get(l.j0!)), w.get(l.rb!)))),
        // Σ gBag² once per item: each occurrence's row gradient is wts[p] · gBag, so its g² sum is wts² · Σ gBag².
        ...w.set(l.ss!, ZERO4),
        ...w.loop(l.k!, w.i32(0), w.get(l.rb!), 16, [
          ...w.set(l.g!, w.vload(w.add(w.get(l.gb!), w.get(l.k!)))),
          ...w.set(l.ss!, w.vadd(w.get(l.ss!), w.vmul(w.get(l.g!), w.get(l.g!)))),
        ]),
        ...w.set(l.a!, w.fdiv(hsum(l.ss!), w.fconvU(w.shrU(w.get(l.rb!), w.i32(2))))),
        ...w.set(l.e!, w.loadI32(w.add(w.get(l.offs!), w.mul(w.add(w.get(l.i!), w.i32(1)), w.i32(4))))),
        ...w.loop(l.p!, w.loadI32(w.add(w.get(l.offs!), w.mul(w.get(l.i!), w.i32(4)))), w.get(l.e!), 1, [
          ...w.set(l.id!, w.loadI32(w.add(w.get(l.ids!), w.mul(w.get(l.p!), w.i32(4))))),
          ...w.set(l.r!, w.add(w.get(l.tab!), w.mul(w.get(l.id!), w.get(l.rb!)))),
          ...w.set(l.wt!, w.loadF32(w.add(w.get(l.wts!), w.mul(w.get(l.p!), w.i32(4))))),
          // acc[id] += wt² · mean(gBag²), then the step's scale −lr · wt / (√acc + eps) for every lane.
          ...w.storeF32(
            w.add(w.get(l.acc!), w.mul(w.get(l.id!), w.i32(4))),
            w.fadd(
              w.loadF32(w.add(w.get(l.acc!), w.mul(w.get(l.id!), w.i32(4)))),
              w.fmul(w.fmul(w.get(l.wt!), w.get(l.wt!)), w.get(l.a!)),
            ),
          ),
          ...w.set(
            l.sv!,
            w.vsplat(
              w.fdiv(
                w.fmul(w.get(l.lr!), w.get(l.wt!)),
                w.fadd(w.fsqrt(w.loadF32(w.add(w.get(l.acc!), w.mul(w.get(l.id!), w.i32(4))))), w.get(l.eps!)),
              ),
            ),
          ),
          // Unrolled ×4 (64 bytes a turn) when rows are a multiple of 16 floats.
          ...w.loop(
            l.k!,
            w.i32(0),
            w.get(l.rb!),
            16 * unroll,
            Array.from({ length: unroll }, (_, u) =>
              w.vstore(
                w.add(w.add(w.get(l.r!), w.get(l.k!)), w.i32(16 * u)),
                w.vsub(
                  w.vload(w.add(w.add(w.get(l.r!), w.get(l.k!)), w.i32(16 * u))),
                  w.vmul(w.get(l.sv!), w.vload(w.add(w.add(w.get(l.gb!), w.get(l.k!)), w.i32(16 * u)))),
                ),
              ),
            ).flat(),
          ),
        ]),
      ]),
  );
const adagradRow = adagradRowKernel("adagradRow", 1);
const adagradRow16 = adagradRowKernel("adagradRow16", 4);

/**
 * Adam over `bytes` bytes of parameters (a multiple of 16), as tfjs computes it:
 * m = b1·m + (1−b1)·g; v = b2·v + (1−b2)·g²; p −= lr · (m / c1) / (√(v / c2) + eps), c = 1 − β^t.
 */
const adam = fn(
  "adam",
  [
    i32("p"),
    i32("m"),
    i32("v"),
    i32("g"),
    i32("bytes"),
    ["lr", F32],
    ["b1", F32],
    ["b2", F32],
    ["c1", F32],
    ["c2", F32],
    ["eps", F32],
  ],
  [i32("k"), ["gv", V128], ["mv", V128], ["vv", V128]],
  (l) => {
    const s = (n: number) => w.vsplat(w.get(n));
    const one = w.vsplat(w.f32(1));
    return w.loop(l.k!, w.i32(0), w.get(l.bytes!), 16, [
      ...w.set(l.gv!, w.vload(w.add(w.get(l.g!), w.get(l.k!)))),
      ...w.set(
        l.mv!,
        w.vadd(w.vmul(w.vload(w.add(w.get(l.m!), w.get(l.k!))), s(l.b1!)), w.vmul(w.get(l.gv!), w.vsub(one, s(l.b1!)))),
      ),
      ...w.set(
        l.vv!,
        w.vadd(
          w.vmul(w.vload(w.add(w.get(l.v!), w.get(l.k!))), s(l.b2!)),
          w.vmul(w.vmul(w.get(l.gv!), w.get(l.gv!)), w.vsub(one, s(l.b2!))),
        ),
      ),
      ...w.vstore(w.add(w.get(l.m!), w.get(l.k!)), w.get(l.mv!)),
      ...w.vstore(w.add(w.get(l.v!), w.get(l.k!)), w.get(l.vv!)),
      ...w.vstore(
        w.add(w.get(l.p!), w.get(l.k!)),
        w.vsub(
          w.vload(w.add(w.get(l.p!), w.get(l.k!))),
          w.vmul(
            s(l.lr!),
            w.vdiv(w.vdiv(w.get(l.mv!), s(l.c1!)), w.vadd(w.vsqrt(w.vdiv(w.get(l.vv!), s(l.c2!))), s(l.eps!))),
          ),
        ),
      ),
    ]);
  },
);

export type Kernels = {
  bag(
    order: number,
    j0: number,
    j1: number,
    offs: number,
    ids: number,
    wts: number,
    tab: number,
    rb: number,
    out: number,
  ): void;
  bag16(
    order: number,
    j0: number,
    j1: number,
    offs: number,
    ids: number,
    wts: number,
    tab: number,
    rb: number,
    out: number,
  ): void;
  logits(W: number, b: number, X: number, n: number, C: number, rb: number, out: number): void;
  backward(W: number, X: number, G: number, n: number, C: number, rb: number, gW: number, gX: number): void;
  adagrad(
    order: number,
    j0: number,
    j1: number,
    offs: number,
    ids: number,
    wts: number,
    tab: number,
    acc: number,
    rb: number,
    gBag: number,
    lr: number,
    eps: number,
  ): void;
  adagradRow(
    order: number,
    j0: number,
    j1: number,
    offs: number,
    ids: number,
    wts: number,
    tab: number,
    acc: number,
    rb: number,
    gBag: number,
    lr: number,
    eps: number,
  ): void;
  adagradRow16: Kernels["adagradRow"];
  adam(
    p: number,
    m: number,
    v: number,
    g: number,
    bytes: number,
    lr: number,
    b1: number,
    b2: number,
    c1: number,
    c2: number,
    eps: number,
  ): void;
};

const compiled = new Map<boolean, WebAssembly.Module>();

/** The compiled module for a shared (multi-thread) or plain memory; compiled once per process. */
export function kernelModule(shared: boolean): WebAssembly.Module {
  let m = compiled.get(shared);
  if (!m) {
    m = new WebAssembly.Module(
      emitModule([bag, bag16, logits, backward, adagrad, adagradRow, adagradRow16, adam], shared),
    );
    compiled.set(shared, m);
  }
  return m;
}

export function instantiateKernels(mem: WebAssembly.Memory, shared: boolean): Kernels {
  const inst = new WebAssembly.Instance(kernelModule(shared), { env: { mem } });
  return inst.exports as unknown as Kernels;
}
