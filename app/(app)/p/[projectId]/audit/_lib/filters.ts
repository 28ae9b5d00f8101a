/** Audit-log filters in the URL (?action=&actor=&entity=&from=&to=, days in UTC, `to` included). */
import { parseDay } from "../../dashboard/_lib/range";

export type AuditFilters = { action?: string; actor?: number; entity?: string; from?: string; to?: string };

type Search = Record<string, string | string[] | undefined> | URLSearchParams;

function first(sp: Search, key: string): string | undefined {
  if (sp instanceof URLSearchParams) return sp.get(key) ?? undefined;
  const v = sp[key];
  return Array.isArray(v) ? v[0] : v;
}

const TOKEN = /^[a-z0-9_.:-]{1,100}$/i;

export function parseAuditFilters(sp: Search): AuditFilters {
  const action = first(sp, "action")?.trim();
  const entity = first(sp, "entity")?.trim();
  const actor = Number(first(sp, "actor"));
  const from = first(sp, "from");
  const to = first(sp, "to");
  return {
    ...(action && TOKEN.test(action) ? { action } : {}),
    ...(Number.isSafeInteger(actor) && actor > 0 && actor <= 2_147_483_647 ? { actor } : {}),
    ...(entity && TOKEN.test(entity) ? { entity } : {}),
    ...(parseDay(from) ? { from } : {}),
    ...(parseDay(to) ? { to } : {}),
  };
}

export function auditFiltersToQuery(f: AuditFilters): string {
  const sp = new URLSearchParams();
  if (f.action) sp.set("action", f.action);
  if (f.actor) sp.set("actor", String(f.actor));
  if (f.entity) sp.set("entity", f.entity);
  if (f.from) sp.set("from", f.from);
  if (f.to) sp.set("to", f.to);
  const s = sp.toString();
  return s ? `?${s}` : "";
}

const DAY = 86_400_000;

/** The procedure's input: whole UTC days, the last one included; a reversed range is swapped. */
export function auditFiltersToInput(f: AuditFilters): {
  action?: string;
  actorId?: number;
  entityType?: string;
  from?: Date;
  to?: Date;
} {
  let from = parseDay(f.from);
  let to = parseDay(f.to);
  if (from && to && from > to) [from, to] = [to, from];
  return {
    ...(f.action ? { action: f.action } : {}),
    ...(f.actor ? { actorId: f.actor } : {}),
    ...(f.entity ? { entityType: f.entity } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to: new Date(to.getTime() + DAY - 1) } : {}),
  };
}
