/**
 * The rule pack as written in `rules-json/*.json`. `schema/rule-pack.schema.json` is the normative
 * description of this format; these types mirror it for the compiler.
 */
import type { Category, Program, Tier } from "./vocabulary";

/**
 * A transitional period (过渡期) during which some rules apply (see `transitions.ts` and the schema).
 */
export interface TransitionDocument {
  /** The word rules test: `{"fact": "transitions", "operator": "contains", "value": id}`. */
  id: string;
  name: string;
  clause: string;
  quote?: string;
  /** The first day; null where the period was already running when the text was issued. */
  from: string | null;
  /** The last day, or a `date` parameter holding it (null value: the text gives none). */
  to: string | { param: string };
  /** Only people holding a category of the pack certified before this date (老人老办法). */
  certifiedBefore?: string;
  note?: string;
  decision?: DecisionDocument;
}

/** A choice the text leaves open, labelled as the project's, an office's or the federation's. */
export interface DecisionDocument {
  by: "project" | "federation" | "office";
  text: string;
}

/** A piecewise schedule: from each `from` (inclusive) up to the next one, the `ratio` applies. */
export type ScheduleValue = Array<{ from: string; ratio: string }>;

export type ParameterUnit = "CNY" | "ratio" | "share" | "schedule" | "date";

export type ParameterValue = string | ScheduleValue | null;

export interface ParameterDocument {
  label: string;
  unit: ParameterUnit;
  /** The value; null when the text leaves the figure to another document (never guessed). */
  value?: ParameterValue;
  /** Dated values, each from its date (inclusive) until the next. */
  values?: Array<{ from: string; value: ParameterValue }>;
  source: { document?: string; clause: string; quote?: string };
  note?: string;
  /** A parameter this value may not fall below (a "不低于" of the text); checked when the pack is built. */
  floor?: { param: string };
}

/** A reference to a number in the pack: a parameter, or a product of such references. */
export type ValueRef = { param: string } | { product: ValueRef[] };

/** A cap is a reference, or "none" where the text abolishes the cap (e.g. 取消封顶线). */
export type CapRef = ValueRef | "none";

export interface DeductibleRatioCapParams {
  deductible: ValueRef;
  ratio: ValueRef;
  cap: CapRef;
}

export interface SegmentedParams {
  schedule: ValueRef;
  deductibleFactor?: ValueRef;
  ratioIncrease?: ValueRef;
  cap: CapRef;
}

export interface FullCoverParams {
  cap: CapRef;
}

export interface ThresholdTopUpParams {
  threshold: ValueRef;
}

export interface NoPaymentParams {
  reason: "RULE_EXCLUDES";
}

export type FormulaKind = "deductible-ratio-cap" | "segmented" | "full-cover" | "threshold-top-up" | "no-payment";

export interface RuleEventParams {
  clause: string;
  label: string;
  [key: string]: unknown;
}

/** A json-rules-engine rule: the conditions choose the rule, the event names the formula. */
export interface RuleDocument {
  name: string;
  priority?: number;
  conditions: Record<string, unknown>;
  event: { type: FormulaKind; params: RuleEventParams };
}

export interface TierDocument {
  title: string;
  rules: RuleDocument[];
}

/** Costs from before certification that count for some tiers (see the schema). */
export interface Lookback {
  months: number;
  tiers: Tier[];
  fromMonthStart: boolean;
  sameYear: boolean;
  /** Looked-back costs of an earlier natural year count in the identification's year (see medical-year.ts). */
  identificationYear?: boolean;
  decision?: { by: string; text: string };
  clause: string;
}

/** A rule choosing the order in which charity funds pay a top-up (by fund kind). */
export interface FundOrderRuleDocument {
  name: string;
  priority?: number;
  conditions: Record<string, unknown>;
  event: { type: "fund-order"; params: { clause: string; label: string; order: Array<"TOWNSHIP" | "CITY"> } };
}

export interface RulePackDocument {
  $schema?: string;
  id: string;
  version: number;
  jurisdiction: { name: string; province: string };
  title: string;
  source: { document: string; title: string; issuer: string; signed: string | null };
  inForce: { from: string; to: string | null; appliesFrom: string };
  notes: string[];
  categories: Array<{ id: Category; name: string; clause: string; lookback?: Lookback }>;
  precedence: { order: Category[]; clause: string; note?: string };
  programs?: Array<{ id: Program; name: string; clause: string }>;
  /** Transitional periods (过渡期) that rules test with the fact `transitions`. */
  transitions?: TransitionDocument[];
  parameters: Record<string, ParameterDocument>;
  tiers: Partial<Record<Tier, TierDocument>>;
  charityFunding?: { title: string; rules: FundOrderRuleDocument[] };
}
