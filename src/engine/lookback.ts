/**
 * A lookback (costs before certification that a text lets count, e.g. 聊城 四(一)): its own file,
 * because settling and the identification's medical year (medical-year.ts) both need it.
 */
import { monthsBefore } from "../lib/dates";
import type { Lookback } from "./pack-document";

/** The first day whose costs count under a lookback, for a category certified on `from`. */
export function lookbackStart(from: string, lookback: Lookback): string {
  const anchor = lookback.fromMonthStart ? `${from.slice(0, 7)}-01` : from;
  const start = monthsBefore(anchor, lookback.months);
  const yearStart = `${from.slice(0, 4)}-01-01`;
  return lookback.sameYear && start < yearStart ? yearStart : start;
}
