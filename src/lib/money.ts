/**
 * Money: exact decimal amounts in yuan with at most two places (fen).
 *
 * Every amount in the product is a `Decimal` from the moment it is parsed to the moment it is
 * written out as a string. JavaScript numbers never carry money: 0.1 + 0.2 is not 0.3 in binary
 * floating point, and a household's statement must add up to the fen.
 */
import Decimal from "decimal.js";

/** A Decimal constructor of our own, so that nothing else in the process can change its rounding. */
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Money = Decimal;

export const ZERO: Money = new Money(0);

/** Amounts on the wire: digits, an optional point and at most two decimals, no sign, no exponent. */
const AMOUNT_PATTERN = /^(0|[1-9]\d{0,15})(\.\d{1,2})?$/;

/** Why a text is not an amount; used by input checking to build a precise message. */
export type AmountProblem = "NOT_A_STRING" | "NOT_A_NUMBER" | "NEGATIVE" | "TOO_MANY_DECIMALS";

/**
 * Reads an amount as it arrives from a partner: a string such as "26000.00" or "12.5".
 * Returns the Decimal, or the problem that makes the text unacceptable.
 */
export function readAmount(raw: unknown): Money | AmountProblem {
  if (typeof raw !== "string") return "NOT_A_STRING";
  // The exact text, untrimmed: " 5.00" is no more how an amount is written than "+5.00".
  if (AMOUNT_PATTERN.test(raw)) return new Money(raw);
  if (/^-\s*\d/.test(raw)) return "NEGATIVE";
  if (/^\d+\.\d{3,}$/.test(raw)) return "TOO_MANY_DECIMALS";
  return "NOT_A_NUMBER";
}

/** Parses an amount that is known to be well formed (pack parameters, already-checked input). */
export function money(text: string): Money {
  return new Money(text);
}

/** Rounds to the fen, half up, as every tier payment is rounded (DESIGN.md, Money). */
export function toFen(value: Money): Money {
  return value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** The wire form of an amount: always two decimals, e.g. "700.00". */
export function formatAmount(value: Money): string {
  return value.toFixed(2, Decimal.ROUND_HALF_UP);
}

/** An amount as people read it: two decimals and thousands separators, e.g. "62,000.00". */
export function formatYuan(value: Money): string {
  const [whole, fen] = formatAmount(value).split(".");
  return `${whole.replace(/\B(?=(\d{3})+$)/g, ",")}.${fen}`;
}

/** The larger of two amounts. */
export function maxMoney(a: Money, b: Money): Money {
  return a.greaterThanOrEqualTo(b) ? a : b;
}

/** The smaller of two amounts. */
export function minMoney(a: Money, b: Money): Money {
  return a.lessThanOrEqualTo(b) ? a : b;
}

/** Sums amounts exactly. */
export function sumMoney(values: Iterable<Money>): Money {
  let total = ZERO;
  for (const value of values) total = total.plus(value);
  return total;
}
