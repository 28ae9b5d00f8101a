import { normaliseCategoryPath } from "./category-path";
import { type ImportRow, type ImportRowError, type Split } from "./types";
import { IMPORT_LIMITS } from "@/lib/constants";

const RESERVED = new Set(["id", "title", "description", "category", "split"]);

export type RowValidation = { ok: true; row: ImportRow } | { ok: false; errors: ImportRowError[] };

/**
 * Validates one record (a JSON object, or a CSV record keyed by header). Collects every
 * field error of the row rather than stopping at the first, so users fix a file in one pass.
 * `dropEmptyAttributes`: CSV has no null, so blank extra cells are omitted instead of stored as "".
 */
export function validateRecord(
  fields: Record<string, unknown>,
  line: number,
  dropEmptyAttributes: boolean,
): RowValidation {
  const errors: ImportRowError[] = [];
  const fail = (field: string, message: string): null => {
    errors.push({ line, field, message });
    return null;
  };

  const externalId = requiredText(fields["id"], "id", IMPORT_LIMITS.idChars, fail, true);
  const title = requiredText(fields["title"], "title", IMPORT_LIMITS.titleChars, fail, false);
  const description = optionalText(fields["description"], "description", fail);
  const categoryPath = category(fields["category"], fail);
  const split = parseSplit(fields["split"], fail);

  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (RESERVED.has(key)) continue;
    if (dropEmptyAttributes && value === "") continue;
    attributes[key] = value;
  }

  const shape = attributeShapeError(attributes);
  if (shape) fail("attributes", shape);

  if (errors.length > 0 || externalId === null || title === null || split === null) {
    return { ok: false, errors };
  }
  return { ok: true, row: { line, externalId, title, description, categoryPath, split, attributes } };
}

type Fail = (field: string, message: string) => null;

/**
 * Depth and size of the attributes, walked without recursion (the value may be nested
 * thousands deep): null when within IMPORT_LIMITS, else why not.
 */
function attributeShapeError(attributes: Record<string, unknown>): string | null {
  const { attributeDepth, attributeKeys } = IMPORT_LIMITS;
  const stack: [unknown, number][] = [[attributes, 0]];
  let keys = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== "object" || value === null) continue;
    if (depth > attributeDepth) return `nested deeper than ${attributeDepth} levels`;
    const children = Array.isArray(value) ? value : Object.values(value);
    keys += children.length;
    if (keys > attributeKeys) return `more than ${attributeKeys} keys and entries in all`;
    for (const child of children) stack.push([child, depth + 1]);
  }
  return null;
}

function requiredText(value: unknown, field: string, max: number, fail: Fail, allowInteger: boolean): string | null {
  // Numeric ids are common in JSON exports; accept integers but not 1.5 or NaN.
  const raw = allowInteger && Number.isSafeInteger(value) ? String(value) : value;
  if (raw === undefined || raw === null) return fail(field, "required");
  if (typeof raw !== "string") return fail(field, "must be a string");
  const text = raw.trim();
  if (text === "") return fail(field, "required");
  if (text.length > max) return fail(field, `must be at most ${max} characters`);
  return text;
}

function optionalText(value: unknown, field: string, fail: Fail): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") return fail(field, "must be a string");
  if (value.trim() === "") return null;
  if (value.length > IMPORT_LIMITS.descriptionChars) {
    return fail(field, `must be at most ${IMPORT_LIMITS.descriptionChars} characters`);
  }
  return value;
}

function category(value: unknown, fail: Fail): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") return fail("category", "must be a string");
  if (value.trim() === "") return null;
  const result = normaliseCategoryPath(value);
  return result.ok ? result.path : fail("category", result.message);
}

function parseSplit(value: unknown, fail: Fail): Split | null {
  if (value === undefined || value === null) return "pool";
  if (typeof value !== "string") return fail("split", 'must be "pool" or "test"');
  const v = value.trim().toLowerCase();
  if (v === "" || v === "pool") return "pool";
  if (v === "test") return "test";
  return fail("split", 'must be "pool" or "test"');
}
