/**
 * Calendar dates as ISO strings ("2023-03-10"). Compared as strings, which is exact for this format.
 */
import { DomainError } from "./errors";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date in ISO form (2023-02-29 is not one). */
export function isValidDate(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/** The natural year of a date. */
export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

/** The date `months` calendar months earlier, the day clamped to the month's length (05-31 − 3 → 02-28). */
export function monthsBefore(date: string, months: number): string {
  const [year, month, day] = date.split("-").map(Number);
  const total = year * 12 + (month - 1) - months;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(Math.min(day, last)).padStart(2, "0")}`;
}

/** The first day of the month after the date's month (2023-12-10 → 2024-01-01). */
export function firstOfNextMonth(date: string): string {
  const [year, month] = date.split("-").map(Number);
  return month === 12 ? `${String(year + 1).padStart(4, "0")}-01-01` : `${date.slice(0, 4)}-${String(month + 1).padStart(2, "0")}-01`;
}

/** Today's date in China (UTC+8, no daylight saving): a bill's date cannot be later than this. */
export function todayInChina(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** A year given as text (a URL's path or query): four digits, or INVALID_INPUT at `field`. */
export function yearField(text: string, field = "year"): number {
  if (!/^\d{4}$/.test(text)) throw new DomainError("INVALID_INPUT", field, `${field}: 须为四位年份 / a year YYYY (got "${text.slice(0, 20)}")`);
  return Number(text);
}
