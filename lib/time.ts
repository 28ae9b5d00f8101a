/**
 * "Today" as the person sees it. A day starts at local midnight in their time
 * zone, and a zone's offset changes with daylight saving time: a fixed offset
 * taken now is an hour off for the hours before a DST change. The IANA zone
 * name (what the browser reports) gives the right midnight on every day; a
 * bare UTC offset is still accepted from clients that send nothing else.
 */
import { TZDate } from "@date-fns/tz";
import { startOfDay } from "date-fns";

export type ClientZone = { timeZone?: string; tzOffsetMinutes?: number };

/** A valid IANA zone name, e.g. "Europe/Berlin". */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function offsetZone(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** The instant of local midnight on `now`'s day in the client's zone (the IANA name wins over the offset). */
export function startOfLocalDay(now: Date, zone: ClientZone): Date {
  const tz = zone.timeZone ?? offsetZone(zone.tzOffsetMinutes ?? 0);
  return new Date(startOfDay(new TZDate(now.getTime(), tz)).getTime());
}

/** The zone of the browser (or process) calling, as the day-bounded procedures take it. */
export function clientZone(): Required<ClientZone> {
  return {
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    tzOffsetMinutes: -new Date().getTimezoneOffset(),
  };
}
