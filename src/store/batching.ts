/**
 * Rows per multi-row statement. SQLite allows 32,766 bound parameters and PostgreSQL 65,535; 500
 * rows of a few columns stays far below both while keeping round trips few.
 */
export const ROWS_PER_STATEMENT = 500

/** Splits `items` into consecutive slices of at most `size`. */
export function chunk<T>(items: readonly T[], size: number = ROWS_PER_STATEMENT): T[][] {
  const slices: T[][] = []
  for (let start = 0; start < items.length; start += size) slices.push(items.slice(start, start + size))
  return slices
}
