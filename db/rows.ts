/** The one row a write's RETURNING gave; none is a bug in the statement, reported with what was written. */
export function returned<T>(rows: readonly T[], what: string): T {
  const row = rows[0];
  if (row === undefined) throw new Error(`${what}: the statement returned no row`);
  return row;
}
