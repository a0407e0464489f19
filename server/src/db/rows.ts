/**
 * The row a query always returns (an INSERT ... RETURNING, a count, an UPDATE of a row known to
 * exist). Its absence is a bug, not a client's error: this names the query at once instead of
 * failing later on `undefined`.
 */
export function onlyRow<T>(rows: readonly T[], what: string): T {
  const row = rows[0];
  if (row === undefined) throw new Error(`${what}: the query returned no row`);
  return row;
}

/**
 * A NOT NULL column of a LEFT JOINed row, read once the join is known to have matched (its id is
 * there). Null here is a bug in the query, not missing data: this names the column at once.
 */
export function joinedColumn<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`${what}: null although its joined row exists`);
  return value;
}
