/**
 * Amounts as NocoBase hands them over. Case amounts are DECIMAL(18,2) columns, which NocoBase's
 * database layer returns as strings on MySQL and PostgreSQL but as JavaScript numbers on SQLite; and
 * its number input may send a JSON number. Such a number is turned into its decimal text at once
 * (JavaScript prints the shortest text that reads back as the same number, which is the amount
 * typed or stored for amounts of up to 15 significant digits) and from then on the amount is a
 * Decimal or a string.
 */
import { amountField } from "../../../../src/engine/input";
import { formatAmount } from "../../../../src/lib/money";

/** A case value as the engine's amount reader takes it: a string. Other values pass unchanged, to be refused there. */
export function amountFromHost(value: unknown): unknown {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return typeof value === "string" ? value.trim() : value;
}

/** A stored amount as text with two decimals, or INVALID_AMOUNT naming `field`. */
export function amountText(value: unknown, field: string): string {
  return formatAmount(amountField(amountFromHost(value), field));
}
