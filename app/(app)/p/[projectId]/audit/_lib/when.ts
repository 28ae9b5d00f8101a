/**
 * When an audit event happened, in UTC, the same on the server and in the browser.
 * Not hour12: false, which Node's ICU renders as "24:05" just after midnight and
 * browsers as "00:05" (a hydration mismatch).
 */
const WHEN = new Intl.DateTimeFormat("en-US", {
  dateStyle: "medium",
  timeStyle: "medium",
  timeZone: "UTC",
  hourCycle: "h23",
});

export const formatWhen = (d: Date): string => WHEN.format(d);
