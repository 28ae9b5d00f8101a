/** Building blocks shared by the domain input schemas, so bounds stay the same everywhere. */
import { z } from "zod";
import { isTimeZone } from "@/lib/time";

export const Id = z.number().int().positive().max(2_147_483_647);
export const ProjectId = Id;
/** Every list is paged: at most 100 rows per call. */
export const Limit = z.number().int().min(1).max(100).default(50);
/** Keyset cursor: the last id of the previous page. */
export const Cursor = Id.optional();
export const Email = z.string().trim().toLowerCase().max(320).pipe(z.email());
export const PersonName = z.string().trim().min(1).max(200);
export const SearchText = z.string().trim().max(200).optional();

/**
 * The client's time zone, so "today" is the annotator's day, not the server's:
 * the IANA name (right across daylight saving changes) and, from older clients,
 * the UTC offset at the time of the call.
 */
export const ClientZone = {
  timeZone: z.string().max(64).refine(isTimeZone, "Unknown time zone").optional(),
  tzOffsetMinutes: z.number().int().min(-840).max(840).default(0),
};

const DAY_MS = 86_400_000;
/** Earliest and latest instant any range accepts: outside them there is no activity, only bucket explosions. */
export const MIN_INSTANT = new Date("1970-01-01T00:00:00Z");
export const MAX_INSTANT = new Date("9999-12-31T00:00:00Z");
export const Instant = z
  .date()
  .min(MIN_INSTANT, "Dates start at 1970-01-01")
  .max(MAX_INSTANT, "Dates end at 9999-12-31");

/**
 * An optional `from`/`to` range (from inclusive, to exclusive) of at most `maxDays`,
 * checked whichever fields are sent: a missing `to` is now, so a lone `from` cannot
 * open a span of millennia. A lone `to` is bounded by the service, which starts at most
 * `maxDays` before it.
 */
export function boundedRange<T extends z.ZodRawShape>(shape: T, maxDays: number, allowEqual = false) {
  const fields = (x: unknown) => x as { from?: Date; to?: Date };
  return z
    .object({ ...shape, from: Instant.optional(), to: Instant.optional() })
    .refine(
      (x) => {
        const { from, to = new Date() } = fields(x);
        return !from || (allowEqual ? from <= to : from < to);
      },
      { message: "from must be before to (or before now when to is absent)", path: ["to"] },
    )
    .refine(
      (x) => {
        const { from, to = new Date() } = fields(x);
        return !from || to.getTime() - from.getTime() <= maxDays * DAY_MS;
      },
      { message: `At most ${maxDays} days (a missing to means now)`, path: ["to"] },
    );
}

/** NUL, or half of a surrogate pair: Postgres refuses the first in text and jsonb, and the second in jsonb. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Where in an input (a path like "items.0.title", or "input") a string or key holds
 * text no database column can keep, or null. Checked for every procedure before its
 * schema (server/trpc.ts), so no field can forget it: such text used to reach the
 * database and come back as a 500. Iterative, so a deeply nested input cannot overflow the stack.
 */
function lineOf(path: string, text: string, index: number): string {
  if (!text.includes("\n")) return path;
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return `${path}, line ${line}`;
}

export function unstorableTextAt(input: unknown): string | null {
  const stack: { value: unknown; path: string }[] = [{ value: input, path: "" }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: string };
    if (typeof value === "string") {
      const bad = UNSTORABLE.exec(value);
      // A file's text (a taxonomy, an import) names the line, as the import's own errors do.
      if (bad) return lineOf(path || "input", value, bad.index);
    } else if (value && typeof value === "object") {
      for (const [key, v] of Object.entries(value)) {
        const at = path ? `${path}.${key}` : key;
        if (UNSTORABLE.test(key)) return at;
        stack.push({ value: v, path: at });
      }
    }
  }
  return null;
}
