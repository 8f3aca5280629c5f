/**
 * Settlement of one claim across the six tiers, in order, against the beneficiary's year-to-date
 * state. Pure: the caller keeps the state and stores the result.
 */
import { DomainError } from "../lib/errors";
import { Money, ZERO, formatAmount, minMoney } from "../lib/money";
import { yearOf } from "../lib/dates";
import type { Lookback, RuleDocument } from "./pack-document";
import type { CompiledPack } from "./compiled-pack";
import { TIER_SCOPE, TIERS, NO_CATEGORY, type Category, type CategoryFact, type Tier } from "./vocabulary";
import { programsGranted } from "./applications";
import type { Beneficiary, Citation, Claim, Settlement, SettlementLine, TierYearToDate, YearToDate, ZeroReason } from "./types";
import { accountYearOf } from "./medical-year";
import { lookbackStart } from "./lookback";
import { formatFigures, type FormulaOutcome, type PreparedFormula, type RawFigures, type TierInput } from "./formulas";
import type { DecisionTable } from "./rule-selection";
import type { TransitionState } from "./transitions";

export interface SettleResult {
  settlement: Settlement;
  /** The year-to-date state after this claim; the input state is not modified. */
  yearToDate: YearToDate;
  /**
   * The accounts of other natural years this claim counted in (an identification's own medical
   * year, medical-year.ts), after it; absent when it counted only in its own year.
   */
  otherYears?: YearToDate[];
}

/** The account of another natural year, for a tier that counts there (medical-year.ts). */
export type OtherYearAccount = (year: number) => YearToDate;

const ZERO_NOTES: Record<ZeroReason, string> = {
  NO_CATEGORY: "无救助身份，按普通参保人员处理 / no assistance category on the claim date: an ordinary insured",
  NOT_IN_PACK: "本地政策无此保障层 / this jurisdiction's policy has no such layer",
  NO_RULE: "本地政策对该身份或就诊类别无此待遇 / no rule of the policy covers this category or kind of care",
  RULE_EXCLUDES: "政策排除 / excluded by the policy",
  UNDER_THRESHOLD: "年度累计未超过起付标准 / the year's cumulative amount has not passed the deductible or threshold",
  CAP_USED_UP: "年度限额已用完 / the annual cap is used up",
  NOTHING_LEFT: "前序保障后无剩余费用 / nothing left after the earlier layers",
  TRANSITION_ENDED: "过渡期已结束，按普通规定处理 / the transitional period has ended: the ordinary rule applies",
  PENDING: "待报送 / pending: settled once the insurer reports it",
};

/**
 * Staged settlement (DESIGN.md): tiers the insurer reports weeks later. Without figures in the pack
 * and without a report, such a tier is left pending instead of refusing the known layers.
 */
const STAGED_TIERS: readonly Tier[] = ["commercial"];
/** Charity measures what is left after every other layer, so it waits for the pending ones. */
const AFTER_PENDING: readonly Tier[] = ["charity"];

/**
 * The categories held on a date, in the order the beneficiary lists them, without repeats. With
 * `lookbackFor`, a category with a lookback counts from its earlier start (costs before
 * certification that the text lets count, e.g. 聊城 四(一)).
 */
export function categoriesOn(beneficiary: Beneficiary, date: string, lookbackFor?: (category: Category) => Lookback | undefined): Category[] {
  const held: Category[] = [];
  for (const period of beneficiary.identities) {
    const lookback = lookbackFor?.(period.category);
    const from = lookback ? lookbackStart(period.from, lookback) : period.from;
    if (from <= date && (period.to === null || date <= period.to) && !held.includes(period.category)) held.push(period.category);
  }
  return held;
}

/** The first of the held categories in the pack's precedence (ties of 就高不重复; the premium's category). */
export function chooseCategory(pack: CompiledPack, held: readonly Category[]): Category | null {
  for (const category of pack.precedence) if (held.includes(category)) return category;
  return null;
}

/**
 * The categories that compete for a tier (就高不重复 per tier): those held on `date` that the pack
 * knows, with the lookbacks that extend them for this tier (`pack.lookbackTiers`), in the pack's
 * precedence order, which breaks ties; NONE alone for an ordinary insured.
 */
export function tierCategories(pack: CompiledPack, beneficiary: Beneficiary, date: string, tier: Tier): CategoryFact[] {
  const lookbackFor = pack.lookbackTiers.has(tier) ? (c: Category) => (pack.lookbacks.get(c)?.tiers.includes(tier) ? pack.lookbacks.get(c) : undefined) : undefined;
  const held = categoriesOn(beneficiary, date, lookbackFor);
  const competing = pack.precedence.filter((category) => held.includes(category));
  return competing.length > 0 ? competing : [NO_CATEGORY];
}

/**
 * Settles a claim. Throws DomainError (NO_PACK_IN_FORCE, INCONSISTENT_FEES, PARAMETER_NOT_SET)
 * without touching any state when the claim cannot be settled.
 */
export function settle(pack: CompiledPack, beneficiary: Beneficiary, claim: Claim, yearToDate: YearToDate, otherYear?: OtherYearAccount): SettleResult {
  if (!pack.covers(claim.date)) {
    throw new DomainError(
      "NO_PACK_IN_FORCE",
      "claim.date",
      `claim.date: ${claim.date} 不在 ${pack.id} 第 ${pack.version} 版的有效期内 / outside the period in force of pack ${pack.id} v${pack.version}`,
    );
  }
  const year = yearOf(claim.date);
  if (yearToDate.year !== year || yearToDate.beneficiaryId !== beneficiary.id || claim.beneficiaryId !== beneficiary.id) {
    throw new Error(`year-to-date state ${yearToDate.beneficiaryId}/${yearToDate.year} does not belong to claim ${claim.id}`);
  }

  const held = categoriesOn(beneficiary, claim.date);
  const programMask = pack.space.programMask(programsGranted(beneficiary, year, pack.programs));
  const situation: ClaimSituation = { claim, programMask, transitionMask: pack.transitions.mask(beneficiary, claim.date) };

  const { total, outOfCatalog, classBSelfPay, overStandard } = claim.fees;
  const policyScope = total.minus(outOfCatalog).minus(classBSelfPay).minus(overStandard);
  let leftInPolicy = policyScope;
  let leftOfTotal = total;
  const lines: SettlementLine[] = [];
  const tiersAfter = { ...yearToDate.tiers };
  const pending: Tier[] = [];
  let otherYears: Map<number, YearToDate> | undefined;

  for (const tier of TIERS) {
    const left = TIER_SCOPE[tier] === "policyScope" ? leftInPolicy : leftOfTotal;
    const accountYear = pack.lookbackTiers.has(tier) ? accountYearOf(pack, beneficiary, claim.date, tier) : year;
    let account = tiersAfter;
    if (accountYear !== year) {
      if (!otherYear) throw new Error(`claim ${claim.id} counts ${tier} in ${accountYear}, whose account the caller did not give`);
      otherYears ??= new Map();
      const other = otherYears.get(accountYear) ?? otherYear(accountYear);
      account = { ...other.tiers };
      otherYears.set(accountYear, { ...other, tiers: account });
    }
    const before = account[tier];
    const competing = tierCategories(pack, beneficiary, claim.date, tier);
    const waits = pending.length > 0 && AFTER_PENDING.includes(tier) && pack.tables[tier] !== undefined;
    const line = waits ? pendingTier(pack, tier, competing, left) : settleTier(pack, tier, situation, competing, left, before);
    if (line.line.reason === "PENDING") pending.push(tier);
    if (accountYear !== year) line.line.accountYear = accountYear;
    lines.push(line.line);
    if (line.countsBase || line.line.amount.greaterThan(ZERO)) {
      account[tier] = { base: line.countsBase ? before.base.plus(line.base) : before.base, paid: before.paid.plus(line.line.amount) };
    }
    if (tier === "assistance") situation.aboveAssistanceCap = aboveCap(line, before.base);
    leftOfTotal = leftOfTotal.minus(line.line.amount);
    leftInPolicy = TIER_SCOPE[tier] === "policyScope" ? leftInPolicy.minus(line.line.amount) : minMoney(leftInPolicy, leftOfTotal);
  }

  return {
    settlement: {
      claimId: claim.id,
      beneficiaryId: beneficiary.id,
      packId: pack.id,
      packVersion: pack.version,
      year,
      date: claim.date,
      category: settlementCategory(pack, lines, held),
      categoriesHeld: held,
      total,
      policyScope,
      lines,
      selfPay: leftOfTotal,
      ...(pending.length > 0 ? { pending } : {}),
    },
    yearToDate: { beneficiaryId: beneficiary.id, year, tiers: tiersAfter },
    ...(otherYears ? { otherYears: [...otherYears.values()] } : {}),
  };
}

interface TierOutcome {
  line: SettlementLine;
  countsBase: boolean;
  /** What the claim adds to the tier's year base (what was left to it, unless the rule measures less). */
  base: Money;
  /** Where the year's base reaches the cap of the rule that paid; null without a cap or a rule. */
  capReachedAt: Money | null;
}

/** What every tier looks up a rule by, besides the category, and what earlier tiers tell later ones. */
interface ClaimSituation {
  claim: Claim;
  programMask: number;
  /** The transitional periods in progress for the person on the claim date (a FactSpace mask). */
  transitionMask: number;
  /**
   * The part of the claim's burden that arises after the year's assistance cap is reached (宜春
   * 第十条4 倾斜: "超出医疗救助限额之上的高额费用"); all of it when assistance had no rule for the
   * claim (costs before certification that a lookback counts); null when assistance has no cap.
   */
  aboveAssistanceCap?: Money | null;
}

/** The part of a claim's assistance base beyond the point where the year's assistance cap is reached. */
function aboveCap(assistance: TierOutcome, baseBefore: Money): Money | null {
  if (assistance.line.source === "NONE") return assistance.base;
  if (assistance.capReachedAt === null || !assistance.countsBase) return assistance.line.source === "REPORTED" ? null : ZERO;
  const after = baseBefore.plus(assistance.base);
  return Money.max(ZERO, after.minus(Money.max(baseBefore, assistance.capReachedAt)));
}

/** A competing category's rule with its figures, and what it would pay on this claim. */
interface Candidate {
  category: CategoryFact;
  rule: RuleDocument;
  formula: PreparedFormula;
  outcome?: FormulaOutcome;
}

/** The settlement's category: the assistance line's; the precedence's where the pack has no assistance. */
function settlementCategory(pack: CompiledPack, lines: readonly SettlementLine[], held: readonly Category[]): Category | null {
  if (!pack.tables.assistance) return chooseCategory(pack, held);
  return lines.find((line) => line.tier === "assistance")?.category ?? null;
}

function settleTier(pack: CompiledPack, tier: Tier, situation: ClaimSituation, competing: readonly CategoryFact[], left: Money, before: TierYearToDate): TierOutcome {
  // Lines are written out field by field: in this V8 an object spread followed by more properties
  // costs microseconds per line, which was most of a settlement's time (see the benchmark notes).
  const { claim } = situation;
  const packId = pack.id;
  const packVersion = pack.version;
  const first = competing[0] === NO_CATEGORY ? null : (competing[0] as Category);
  const reported = claim.reported[tier];
  if (reported !== undefined) {
    if (reported.greaterThan(left)) {
      throw new DomainError(
        "INCONSISTENT_FEES",
        `claim.reported.${tier}`,
        `claim.reported.${tier}: 报送金额 ${formatAmount(reported)} 大于该层可支付的剩余费用 ${formatAmount(left)} / the reported amount exceeds what is left to this tier`,
      );
    }
    return {
      line: {
        tier,
        packId,
        packVersion,
        amount: reported,
        source: "REPORTED",
        ruleId: null,
        citation: null,
        formula: null,
        figures: { base: formatAmount(left), reported: formatAmount(reported) },
        reason: null,
        note: "合作方报送 / as reported by the partner that settled it",
        category: first,
      },
      countsBase: true,
      base: left,
      capReachedAt: null,
    };
  }

  const table = pack.tables[tier];
  const candidates: Candidate[] = [];
  const missing: string[] = [];
  let unset: RuleDocument | null = null;
  if (table) {
    for (const category of competing) {
      const rule = table.choose(pack.space.index(category, claim.kind, claim.referred, claim.inProvince, claim.guidanceFollowed, situation.programMask, claim.insuredType, situation.transitionMask));
      if (!rule) continue;
      const preparation = pack.formula(rule.name, claim.date);
      if (preparation.ok) candidates.push({ category, rule, formula: preparation.formula });
      else {
        unset ??= rule;
        for (const id of preparation.missing) if (!missing.includes(id)) missing.push(id);
      }
    }
  }
  if (candidates.length === 0 && unset === null) {
    const ended = table && first !== null ? endedTransitionRule(pack, table, situation, competing) : null;
    const reason: ZeroReason = !table ? "NOT_IN_PACK" : first === null ? "NO_CATEGORY" : ended ? "TRANSITION_ENDED" : "NO_RULE";
    const figures: Record<string, string> = ended ? { transition: ended.name, transitionEnded: ended.end ?? "" } : {};
    return { line: { tier, packId, packVersion, amount: ZERO, source: "NONE", ruleId: null, citation: null, formula: null, figures, reason, note: ZERO_NOTES[reason], category: first }, countsBase: false, base: left, capReachedAt: null };
  }
  if (candidates.length === 0 && STAGED_TIERS.includes(tier)) return pendingTier(pack, tier, competing, left);
  if (candidates.length === 0) throw parameterNotSet(pack, tier, unset!, missing);

  const base = measuredBase(candidates, situation, left);
  const best = bestCandidate(candidates, { base, baseBefore: before.base, paidBefore: before.paid });
  const outcome = best.outcome!;
  const { rule } = best;
  const line = new ComputedLine(tier, packId, packVersion, outcome.amount, rule.name, { document: pack.document.source.document, clause: rule.event.params.clause }, rule.event.type, outcome.figures, outcome.reason);
  line.note = outcome.reason ? `${rule.event.params.label}: ${ZERO_NOTES[outcome.reason]}` : rule.event.params.label;
  line.category = best.category === NO_CATEGORY ? null : (best.category as Category);
  const during = pack.ruleTransitions.get(rule.name);
  if (during) line.transition = pack.transitions.states(pack.transitions.maskOf(during), claim.date)[0];
  // A category without its figures might pay more, unless this line already pays all that is left.
  if (missing.length > 0 && outcome.amount.lessThan(left)) {
    line.provisional = true;
    line.missingParameters = missing;
  }
  return { line, countsBase: outcome.countsBase, base, capReachedAt: best.formula.capReachedAt };
}

/**
 * The transitional period whose end took a rule away from this claim: a competing category would
 * have a rule had the ended transitions still been in progress. Null when none did.
 */
function endedTransitionRule(pack: CompiledPack, table: DecisionTable, situation: ClaimSituation, competing: readonly CategoryFact[]): TransitionState | null {
  const { claim } = situation;
  const ended = pack.transitions.endedMask(claim.date) & ~situation.transitionMask;
  if (ended === 0) return null;
  for (const category of competing) {
    const rule = table.choose(pack.space.index(category, claim.kind, claim.referred, claim.inProvince, claim.guidanceFollowed, situation.programMask, claim.insuredType, situation.transitionMask | ended));
    const required = rule ? pack.ruleTransitions.get(rule.name) : undefined;
    if (required) return pack.transitions.states(pack.transitions.maskOf(required) & ended, claim.date)[0] ?? null;
  }
  return null;
}

/**
 * A tier left for later (staged settlement): it pays nothing now and counts nothing toward the
 * year; the claim is settled again, and the year with it, when the insurer reports.
 */
function pendingTier(pack: CompiledPack, tier: Tier, competing: readonly CategoryFact[], left: Money): TierOutcome {
  const category = competing[0] === NO_CATEGORY ? null : (competing[0] as Category);
  const line: SettlementLine = { tier, packId: pack.id, packVersion: pack.version, amount: ZERO, source: "NONE", ruleId: null, citation: null, formula: null, figures: {}, reason: "PENDING", note: ZERO_NOTES.PENDING, category };
  return { line, countsBase: false, base: left, capReachedAt: null };
}

/**
 * What a tier's rules measure on this claim: what is left to the tier, or, for a rule that counts
 * only costs above the assistance cap (`"base": "aboveAssistanceCap"`), that part of it.
 */
function measuredBase(candidates: readonly Candidate[], situation: ClaimSituation, left: Money): Money {
  if (!candidates.some((c) => c.rule.event.params.base === "aboveAssistanceCap")) return left;
  const above = situation.aboveAssistanceCap;
  return above === undefined || above === null ? ZERO : minMoney(above, left);
}

/**
 * 就高不重复: each candidate pays the increase of the highest entitlement of all candidates; the
 * most paid wins, then one that counts the claim toward the year, then precedence (the order given).
 */
function bestCandidate(candidates: Candidate[], input: TierInput): Candidate {
  if (candidates.length > 1) {
    let entitledBefore = ZERO;
    for (const c of candidates) entitledBefore = Money.max(entitledBefore, c.formula.entitlement(input.baseBefore));
    input = { ...input, entitledBefore };
  }
  let best: Candidate | null = null;
  for (const candidate of candidates) {
    candidate.outcome = candidate.formula.pay(input);
    if (best === null || candidate.outcome.amount.greaterThan(best.outcome!.amount) || (candidate.outcome.amount.equals(best.outcome!.amount) && candidate.outcome.countsBase && !best.outcome!.countsBase)) best = candidate;
  }
  return best!;
}

function parameterNotSet(pack: CompiledPack, tier: Tier, rule: RuleDocument, missing: string[]): DomainError {
  return new DomainError(
    "PARAMETER_NOT_SET",
    `parameters.${missing[0]}`,
    `${tier}: 规则 ${rule.name} 需要的参数 ${missing.join(", ")} 未设定 (${missing.map((id) => pack.parameterSource(id)).join("; ")})，` +
      `请管理员设定或由合作方报送该层金额 / parameter(s) ${missing.join(", ")} have no value; an administrator must set them, or the partner must report this tier`,
    missing,
  );
}

/**
 * A line computed by a rule. Its figures are kept as exact values and turned into text the first
 * time they are read: most settlements are stored or summed, not shown, and formatting every figure
 * of every line was a tenth of the engine's time.
 */
class ComputedLine implements SettlementLine {
  readonly source = "COMPUTED" as const;
  note = "";
  category: Category | null = null;
  provisional?: boolean;
  missingParameters?: string[];
  accountYear?: number;
  /** The transitional period the rule applies in, shown with the figures. */
  transition?: TransitionState;
  private text: Record<string, string> | null = null;

  constructor(
    readonly tier: Tier,
    readonly packId: string,
    readonly packVersion: number,
    readonly amount: Money,
    readonly ruleId: string,
    readonly citation: Citation,
    readonly formula: string,
    private readonly raw: RawFigures,
    readonly reason: ZeroReason | null,
  ) {}

  get figures(): Record<string, string> {
    if (this.text === null) {
      this.text = formatFigures(this.raw);
      // The period the rule holds for is one of its figures: "" while its end date has no value.
      if (this.transition) Object.assign(this.text, { transition: this.transition.name, transitionEnds: this.transition.end ?? "" });
    }
    return this.text;
  }

  /** Serialises like a plain line, figures as text. */
  toJSON(): Omit<SettlementLine, "amount"> & { amount: Money } {
    return { tier: this.tier, amount: this.amount, source: this.source, ruleId: this.ruleId, packId: this.packId, packVersion: this.packVersion, citation: this.citation, formula: this.formula, figures: this.figures, reason: this.reason, note: this.note, category: this.category, provisional: this.provisional, missingParameters: this.missingParameters, accountYear: this.accountYear };
  }
}
