/**
 * Bad inputs generated from a procedure's zod input schema, for the adversarial
 * suite (server/routers/__tests__/adversarial.test.ts). Walks the schema's
 * definition (`_zod.def`), so a field added to a schema is probed without anyone
 * listing it: wrong types, missing required fields, 1 MB strings, deep nesting
 * where the schema takes anything, NaN/Infinity, negative and huge numbers, ids
 * of another project, Unicode edge cases and unknown keys.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";

/**
 * One bad input: what it probes (for messages) and the value sent as the procedure's input,
 * or the exact text sent on the wire (`raw`: a broken envelope rather than a broken value).
 */
export type Probe = { what: string; input: unknown; raw?: string };

/** The ids a valid-looking input refers to, by kind: the target project's and another project's. */
export type IdKind = "project" | "item" | "category" | "user" | "annotation" | "model" | "token";
/** Ids held as text: a lease's token, an annotation's idempotency key, an item's external id. */
export type TextIdKind = "lease" | "idempotency" | "external";
export type IdRefs = Record<IdKind, number> & Record<TextIdKind, string>;
export type IdSets = { target: IdRefs; other: IdRefs };

type Def = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  catchall?: z.ZodType;
  valueType?: z.ZodType;
};
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(["optional", "default", "prefault", "nullable", "readonly", "catch", "nonoptional"]);

/** The schema under optional/default/nullable/pipe wrappers, and whether the field may be left out. */
export function unwrap(s: z.ZodType): { core: z.ZodType; optional: boolean } {
  let core = s;
  let optional = false;
  for (let i = 0; i < 20; i++) {
    const d = defOf(core);
    if (d.type === "optional" || d.type === "default" || d.type === "prefault") optional = true;
    if (WRAPPERS.has(d.type) && d.innerType) core = d.innerType;
    else if (d.type === "pipe" && d.in) core = defOf(d.in).type === "transform" && d.out ? d.out : d.in;
    else break;
  }
  return { core, optional };
}

/** JSON Schema facts about a leaf (bounds, format, pattern), when it has any. */
function facts(s: z.ZodType): { minLength?: number; format?: string; minimum?: number; maximum?: number } {
  try {
    return z.toJSONSchema(s, { unrepresentable: "any", io: "input" }) as ReturnType<typeof facts>;
  } catch {
    return {};
  }
}

/** Which kind of id a field holds, by its name (the schemas name ids consistently). */
export function idKindOf(name: string): IdKind | TextIdKind | null {
  if (name === "leaseToken" || name === "leaseTokens") return "lease";
  if (name === "idempotencyKey") return "idempotency";
  if (name === "externalIds") return "external";
  if (name === "projectId" || name === "projectIds") return "project";
  if (name === "itemId" || name === "known" || name === "cursor") return "item";
  if (name === "categoryId") return "category";
  if (name === "userId" || name === "actorId") return "user";
  if (name === "annotationId" || name === "annotationIds") return "annotation";
  if (name === "versionId" || name === "modelVersionId" || name === "a" || name === "b") return "model";
  if (name === "tokenId") return "token";
  return null;
}

let serial = 0;
/** A value the field accepts, so the rest of a probe's input gets past validation to what is probed. */
export function validValue(s: z.ZodType, name: string, ids: IdSets): unknown {
  const { core } = unwrap(s);
  const d = defOf(core);
  const kind = idKindOf(name);
  switch (d.type) {
    case "string": {
      const f = facts(core);
      serial++;
      if (name === "email") return `adv-${serial}@example.test`;
      if (name === "slug") return `adv-${serial}`;
      if (name === "timeZone") return "UTC";
      // A new key, so a submit is a new decision rather than the replay of a stored one.
      if (kind === "idempotency") return randomUUID();
      if (kind) return ids.target[kind];
      if (f.format === "uuid") return randomUUID();
      if (f.format === "email") return `adv-${serial}@example.test`;
      return `adv ${serial}`.padEnd(f.minLength ?? 0, "x");
    }
    case "number": {
      if (kind) return ids.target[kind];
      const f = facts(core);
      return f.minimum ?? (f.maximum !== undefined ? Math.min(1, f.maximum) : 1);
    }
    case "boolean":
      return false;
    case "enum":
      return Object.values(d.entries ?? {})[0];
    case "literal":
      return d.values?.[0];
    case "date":
      return new Date(Date.now() - 86_400_000);
    case "array": {
      if (!d.element) return [];
      const min = Math.max(1, (facts(core) as { minItems?: number }).minItems ?? 1);
      return Array.from({ length: min }, () => validValue(d.element as z.ZodType, kind ? name : "", ids));
    }
    case "object":
      return validObject(core, ids);
    case "union":
      return d.options?.[0] ? validValue(d.options[0], name, ids) : null;
    default:
      return "adv";
  }
}

function validObject(s: z.ZodType, ids: IdSets): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(defOf(s).shape ?? {})) {
    if (!unwrap(field).optional || key === "timeZone") out[key] = validValue(field, key, ids);
  }
  return out;
}

// The hostile values, built once.
const MB = 1_000_000;
const BIG_ASCII = "x".repeat(MB);
// Three bytes each in UTF-8: over the body limit, which must then refuse it.
const BIG_RTL = "\u202E".repeat(MB);
const DEPTH = 10_000;

/**
 * A value nested `depth` deep, kept as a marker: JSON.stringify, structuredClone and
 * superjson recurse and would overflow the test's own stack on it, so the request
 * body is spliced from text (`toJson`).
 */
export class Deep {
  constructor(
    readonly shape: "object" | "array",
    readonly depth: number,
  ) {}
  toJson(): string {
    return this.shape === "object"
      ? `${'{"a":'.repeat(this.depth)}"bottom"${"}".repeat(this.depth)}`
      : `${"[".repeat(this.depth)}0${"]".repeat(this.depth)}`;
  }
}
const DEEP_OBJECT = new Deep("object", DEPTH);
const DEEP_ARRAY = new Deep("array", DEPTH);
/** Deep, but not deep enough to overflow while parsing: what once imported fine and broke every later read. */
const MEDIUM_DEPTHS = [1_000, 3_000];
/** JSON text nested deep, for string fields that are parsed as JSON (import content). */
const deepJsonText = (depth: number) =>
  `{"id":"deep-${depth}","title":"Deep","attrs":${new Deep("object", depth).toJson()}}\n`;
const DEEP_JSON_TEXTS: [string, string][] = [DEPTH, ...MEDIUM_DEPTHS].map((d) => [
  `${d}-deep JSON text`,
  deepJsonText(d),
]);

/** `value` with every Deep marker replaced by what `swap` makes of it and keys renamed (a copy; leaves shared). */
export function replaceDeep(
  value: unknown,
  swap: (d: Deep) => unknown,
  rename: (key: string) => string = (k) => k,
): unknown {
  if (value instanceof Deep) return swap(value);
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, swap, rename));
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(out, rename(k), {
        value: replaceDeep(v, swap, rename),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  return value;
}

const UNICODE: [string, string][] = [
  ["RTL override", "\u202Egnp.exe"],
  ["NUL", "a\u0000b"],
  ["lone high surrogate", "x\uD800"],
  ["lone low surrogate", "\uDC00y"],
  ["full-width", "＝ＣＭＤ｜"],
  ["combining marks", "e\u0301\u0301\u0301"],
  ["zero-width joiner only", "\u200D"],
  ["emoji", "🙂👩‍💻"],
  ["whitespace only", " \t\n "],
  ["empty", ""],
];
const NUMBERS: [string, number][] = [
  ["NaN", Number.NaN],
  ["Infinity", Number.POSITIVE_INFINITY],
  ["-Infinity", Number.NEGATIVE_INFINITY],
  ["-1", -1],
  ["0", 0],
  ["1.5", 1.5],
  ["2^31", 2 ** 31],
  ["2^53", 2 ** 53],
  ["1e308", 1e308],
  ["-1e308", -1e308],
];
const DATES: [string, Date][] = [
  ["invalid date", new Date(Number.NaN)],
  ["year 1", new Date("0001-01-01T00:00:00Z")],
  ["year -271821", new Date(-8.64e15)],
  ["year 275760", new Date(8.64e15)],
];

/** Values of the wrong JSON type for a field of this kind. */
function wrongTypes(type: string): [string, unknown][] {
  const all: Record<string, unknown> = {
    string: "12",
    number: 12,
    boolean: true,
    null: null,
    array: [1],
    object: { x: 1 },
  };
  const same: Record<string, string[]> = {
    string: ["string"],
    enum: ["string"],
    number: ["number"],
    boolean: ["boolean"],
    array: ["array"],
    object: ["object"],
    date: [],
  };
  const skip = new Set(same[type] ?? []);
  return Object.entries(all).filter(([k]) => !skip.has(k));
}

/** Bad values for one field, by its schema. */
function badValues(s: z.ZodType, name: string, ids: IdSets): [string, unknown][] {
  const { core } = unwrap(s);
  const d = defOf(core);
  const out: [string, unknown][] = wrongTypes(d.type).map(([k, v]) => [`wrong type (${k})`, v]);
  const kind = idKindOf(name);
  switch (d.type) {
    case "string": {
      out.push(["1 MB string", BIG_ASCII], ["1 M RTL overrides (3 MB)", BIG_RTL]);
      for (const [label, v] of UNICODE) out.push([label, v]);
      if (kind) out.push([`another project's ${kind}`, ids.other[kind]]);
      const { maxLength } = facts(core) as { maxLength?: number };
      if (maxLength === undefined || maxLength >= 20_000) out.push(...DEEP_JSON_TEXTS);
      break;
    }
    case "enum": {
      const first = String(Object.values(d.entries ?? {})[0] ?? "x");
      out.push(
        ["enum + NUL", `${first}\u0000`],
        ["enum in full-width", first.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))],
        ["enum upper-case", first.toUpperCase() === first ? `${first}x` : first.toUpperCase()],
        ["__proto__", "__proto__"],
      );
      break;
    }
    case "number": {
      for (const [label, v] of NUMBERS) out.push([label, v]);
      if (kind) out.push([`another project's ${kind} id`, ids.other[kind]]);
      break;
    }
    case "date": {
      for (const [label, v] of DATES) out.push([label, v]);
      break;
    }
    case "array": {
      const element = d.element;
      out.push(["10,001 elements", Array.from({ length: 10_001 }, (_, i) => i + 1)]);
      out.push(["10k-deep array", DEEP_ARRAY]);
      if (element) {
        const elementKind = unwrap(element);
        if (kind && ["number", "string"].includes(defOf(elementKind.core).type))
          out.push([`another project's ${kind} id`, [ids.other[kind]]]);
        for (const [label, v] of badValues(element, "", ids).slice(0, 40)) out.push([`element: ${label}`, [v]]);
      }
      break;
    }
    case "object": {
      out.push(["10k-deep object", DEEP_OBJECT]);
      break;
    }
    case "unknown":
    case "any":
      out.push(["10k-deep object", DEEP_OBJECT], ["10k-deep array", DEEP_ARRAY]);
      for (const d of MEDIUM_DEPTHS)
        out.push([`${d}-deep object`, new Deep("object", d)], [`${d}-deep array`, new Deep("array", d)]);
      break;
  }
  return out;
}

const EXTRA_KEYS: [string, Record<string, unknown>][] = [
  ["unknown key", { zzUnknown: 1 }],
  ["__proto__ key", JSON.parse('{"__proto__": {"isAdmin": true, "role": "admin"}}') as Record<string, unknown>],
  ["constructor key", { constructor: { prototype: { isAdmin: true } } }],
  ["actorId key", { actorId: 1 }],
];

/**
 * Every probe for an input schema (null: the procedure takes no input): the
 * whole input replaced, then each field of the top-level object (and of the
 * objects inside its arrays and objects) broken one at a time in an otherwise valid input.
 */
export function probesFor(schema: z.ZodType | null, ids: IdSets, overrides: Record<string, unknown> = {}): Probe[] {
  const probes: Probe[] = [
    { what: "input null", input: null },
    { what: "input a string", input: "x" },
    { what: "input a number", input: 1 },
    { what: "input an array", input: [] },
    { what: "input 10k-deep object", input: DEEP_OBJECT },
  ];
  if (!schema) return [...probes, { what: "input with unknown keys", input: { zzUnknown: 1, projectId: 1 } }];
  const { core } = unwrap(schema);
  if (defOf(core).type !== "object") return probes;
  const base = { ...validObject(core, ids), ...overrides };
  probes.push({ what: "input {}", input: {} });
  walkObject(core, base, [], ids, probes);
  return probes;
}

/** `root` without the key at `path` (rebuilt along the path, so no dynamic delete). */
function removeKey(root: unknown, path: (string | number)[]): unknown {
  const [head, ...rest] = path;
  if (Array.isArray(root)) return root.map((v, i) => (i === head ? (rest.length ? removeKey(v, rest) : v) : v));
  const obj = root as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(obj).flatMap(([k, v]) =>
      k === String(head) ? (rest.length ? [[k, removeKey(v, rest)]] : []) : [[k, v]],
    ),
  );
}

/**
 * Broken superjson envelopes around an otherwise valid input: what the HTTP layer
 * decodes before any schema sees the value (meta annotations that point nowhere, at
 * the prototype, at types no schema takes, or at each other).
 */
export function wireProbes(schema: z.ZodType | null, ids: IdSets): Probe[] {
  const core = schema ? unwrap(schema).core : null;
  const base = core && defOf(core).type === "object" ? validObject(core, ids) : {};
  const json = JSON.stringify(base);
  const first = Object.keys(base)[0] ?? "projectId";
  const envelope = (meta: unknown) => `{"json":${json},"meta":${JSON.stringify(meta)}}`;
  return [
    { what: "wire: not JSON", input: null, raw: '{"json":' },
    { what: "wire: JSON without the envelope", input: null, raw: json },
    { what: "wire: meta path to nowhere", input: null, raw: envelope({ values: { "no.such.path": ["Date"] } }) },
    { what: "wire: meta __proto__ path", input: null, raw: envelope({ values: { "__proto__.isAdmin": ["Date"] } }) },
    { what: `wire: ${first} as bigint`, input: null, raw: envelope({ values: { [first]: ["bigint"] } }) },
    { what: `wire: ${first} as regexp`, input: null, raw: envelope({ values: { [first]: ["regexp"] } }) },
    {
      what: `wire: ${first} as unknown class`,
      input: null,
      raw: envelope({ values: { [first]: [["class", "Nope"]] } }),
    },
    {
      what: `wire: ${first} as unknown custom`,
      input: null,
      raw: envelope({ values: { [first]: [["custom", "Nope"]] } }),
    },
    { what: `wire: ${first} as a Map`, input: null, raw: envelope({ values: { [first]: ["map"] } }) },
    {
      what: "wire: referential equality to itself",
      input: null,
      raw: envelope({ referentialEqualities: { [first]: [first] } }),
    },
    { what: "wire: meta of the wrong shape", input: null, raw: envelope({ values: [1, 2, 3] }) },
  ];
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove = false): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (remove) return removeKey(copy, path);
  node[last] = value;
  return copy;
}

function walkObject(s: z.ZodType, base: unknown, at: (string | number)[], ids: IdSets, probes: Probe[]): void {
  const d = defOf(s);
  const here = at.length ? at.join(".") : "input";
  const node = (at.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], base) ?? {}) as object;
  for (const [label, extra] of EXTRA_KEYS) {
    const merged = structuredClone(node) as Record<string, unknown>;
    // defineProperty: a plain assignment of "__proto__" would set the prototype, not send the key.
    for (const [k, v] of Object.entries(extra))
      Object.defineProperty(merged, k, { value: v, enumerable: true, writable: true, configurable: true });
    probes.push({ what: `${here}: ${label}`, input: at.length ? setAt(base, at, merged) : merged });
  }
  if (d.catchall && defOf(d.catchall).type !== "never") {
    for (const [label, v] of badValues(d.catchall, "", ids).filter(([l]) => /deep/.test(l)))
      probes.push({ what: `${here}.zzExtra: ${label}`, input: setAt(base, [...at, "zzExtra"], v) });
  }
  for (const [key, field] of Object.entries(d.shape ?? {})) {
    const path = [...at, key];
    const name = path.join(".");
    const { core, optional } = unwrap(field);
    if (!optional) probes.push({ what: `${name}: missing`, input: setAt(base, path, undefined, true) });
    for (const [label, v] of badValues(field, key, ids))
      probes.push({ what: `${name}: ${label}`, input: setAt(base, path, v) });
    const cd = defOf(core);
    // One level into nested objects and into the objects an array holds.
    if (cd.type === "object" && at.length < 3) {
      const withField = setAt(base, path, validValue(field, key, ids));
      walkObject(core, withField, path, ids, probes);
    } else if (cd.type === "array" && cd.element && at.length < 3) {
      const el = unwrap(cd.element).core;
      if (defOf(el).type === "object") {
        const withField = setAt(base, path, [validValue(cd.element, "", ids)]);
        walkObject(el, withField, [...path, 0], ids, probes);
      }
    }
  }
}
