/**
 * Domain types of the settlement engine. Money is always `Money` (a Decimal), dates are ISO
 * calendar dates ("2023-03-10") compared as strings, which is exact for that format.
 */
import type { Money } from "../lib/money";
import type { ApplicationStatus, Category, CategoryFact, ClaimKind, InsuredType, Program, Tier } from "./vocabulary";

/** A category held from `from` to `to` inclusive; `to` null means still held. */
export interface CategoryPeriod {
  category: Category;
  from: string;
  to: string | null;
}

/**
 * A programme applied for (e.g. 倾斜救助) on `date`, and the decision on it: APPROVED or REFUSED on
 * `decidedOn`, or still PENDING (`decidedOn` null). Only an approved application grants the
 * programme, for the natural year of its application date (see applications.ts).
 */
export interface Application {
  program: Program;
  date: string;
  status: ApplicationStatus;
  decidedOn: string | null;
}

export interface Beneficiary {
  id: string;
  identities: CategoryPeriod[];
  applications: Application[];
  /**
   * 渐退期: periods in which civil affairs certified the person as phasing out of a category they
   * left (乐清 三(三)8 "渐退期的低保和低边对象"). They confer no category: only what a pack grants to
   * a phase-out (乐清: the premium subsidy continues). Absent: none certified.
   */
  phaseOuts?: CategoryPeriod[];
}

/** The fee split of a bill. `policyScope` is derived: total minus the three excluded parts. */
export interface Fees {
  total: Money;
  outOfCatalog: Money;
  classBSelfPay: Money;
  overStandard: Money;
}

export interface Claim {
  id: string;
  beneficiaryId: string;
  date: string;
  kind: ClaimKind;
  referred: boolean;
  inProvince: boolean;
  guidanceFollowed: boolean;
  /** 居民 or 职工 insured on the bill's date; DEFAULT_INSURED_TYPE when the partner does not say. */
  insuredType: InsuredType;
  fees: Fees;
  /** Tier amounts a partner has already settled and reports as given. */
  reported: Partial<Record<Tier, Money>>;
}

/** Why a tier paid nothing, in words a case worker can pass on. */
export type ZeroReason =
  | "NO_CATEGORY"
  | "NOT_IN_PACK"
  | "NO_RULE"
  | "RULE_EXCLUDES"
  | "UNDER_THRESHOLD"
  | "CAP_USED_UP"
  | "NOTHING_LEFT"
  /** The rule held only during a transitional period (过渡期) that has ended; no other rule applies. */
  | "TRANSITION_ENDED"
  | "PENDING";

/** How a tier's amount came about. */
export const LINE_SOURCES = ["COMPUTED", "REPORTED", "NONE"] as const;
export type LineSource = (typeof LINE_SOURCES)[number];

/** Where a number comes from in the policy text. */
export interface Citation {
  document: string;
  clause: string;
}

/**
 * One tier's line of a settlement: the amount and everything needed to explain it.
 * `figures` are the numbers the formula used, as strings (amounts with two decimals).
 */
export interface SettlementLine {
  tier: Tier;
  amount: Money;
  source: LineSource;
  ruleId: string | null;
  packId: string;
  packVersion: number;
  citation: Citation | null;
  formula: string | null;
  figures: Record<string, string>;
  reason: ZeroReason | null;
  note: string;
  /** The category whose rule the line follows (就高不重复 per tier); null for an ordinary insured. */
  category?: Category | null;
  /**
   * True when a category held has a rule for this tier whose figures are not set and that might pay
   * more: the line is settled up (补差) once they are set. `missingParameters` names them.
   */
  provisional?: boolean;
  missingParameters?: string[];
  /**
   * The natural year whose account the line counted in, when not the settlement's own: looked-back
   * costs counted in an identification's medical year (聊城 四(一), medical-year.ts).
   */
  accountYear?: number;
}

export interface Settlement {
  claimId: string;
  beneficiaryId: string;
  packId: string;
  packVersion: number;
  year: number;
  date: string;
  /**
   * The category of the assistance line (就高不重复 is per tier; the pack's precedence where it has
   * no assistance tier), or null for an ordinary insured.
   */
  category: Category | null;
  /** Every category the person held on the claim date, including those the pack ignores. */
  categoriesHeld: Category[];
  total: Money;
  policyScope: Money;
  lines: SettlementLine[];
  selfPay: Money;
  /**
   * Staged settlement: the tiers still to come (commercial not reported and without figures, then
   * charity); absent or empty for a complete settlement.
   */
  pending?: Tier[];
}

/** What one tier has counted and paid so far in a natural year. */
export interface TierYearToDate {
  /** The cumulative amount the tier's rules have measured (their base), e.g. the in-policy burden. */
  base: Money;
  /** The cumulative amount the tier has paid. */
  paid: Money;
}

/** A beneficiary's year-to-date state: per tier, what was counted and what was paid. */
export interface YearToDate {
  beneficiaryId: string;
  year: number;
  tiers: Record<Tier, TierYearToDate>;
}

export type { ApplicationStatus, Category, CategoryFact, ClaimKind, InsuredType, Program, Tier };
