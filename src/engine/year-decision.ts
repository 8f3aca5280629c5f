/**
 * The one date that decides a natural year's pack version and parameter values (premiums,
 * summaries): the project's reading of DESIGN.md's "a premium year is decided by the pack version
 * that governs that year, on one stated date".
 */
export function yearDecisionDate(year: number): string {
  return `${year}-12-31`;
}
