/**
 * Settlement of one claim across the six tiers, in order, against the beneficiary's year-to-date
 * state. Pure: the caller keeps the state and stores the result.
 */
import { DomainError } from "../lib/errors";
import { Money, ZERO, formatAmount, minMoney } from "../lib/money";
import { monthsBefore, yearOf } from "../lib/dates";
import type { Lookback } from "./pack-document";
import type { CompiledPack } from "./compiled-pack";
import { TIER_SCOPE, TIERS, NO_CATEGORY, type Category, type Program, type Tier } from "./vocabulary";
import type { Beneficiary, Citation, Claim, Settlement, SettlementLine, TierYearToDate, YearToDate, ZeroReason } from "./types";
import { formatFigures, type RawFigures } from "./formulas";

export interface SettleResult {
  settlement: Settlement;
  /** The year-to-date state after this claim; the input state is not modified. */
  yearToDate: YearToDate;
}

const ZERO_NOTES: Record<ZeroReason, string> = {
  NO_CATEGORY: "无救助身份，按普通参保人员处理 / no assistance category on the claim date: an ordinary insured",
  NOT_IN_PACK: "本地政策无此保障层 / this jurisdiction's policy has no such layer",
  NO_RULE: "本地政策对该身份或就诊类别无此待遇 / no rule of the policy covers this category or kind of care",
  RULE_EXCLUDES: "政策排除 / excluded by the policy",
  UNDER_THRESHOLD: "年度累计未超过起付标准 / the year's cumulative amount has not passed the deductible or threshold",
  CAP_USED_UP: "年度限额已用完 / the annual cap is used up",
  NOTHING_LEFT: "前序保障后无剩余费用 / nothing left after the earlier layers",
};

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

/** The first day whose costs count under a lookback, for a category certified on `from`. */
export function lookbackStart(from: string, lookback: Lookback): string {
  const anchor = lookback.fromMonthStart ? `${from.slice(0, 7)}-01` : from;
  const start = monthsBefore(anchor, lookback.months);
  const yearStart = `${from.slice(0, 4)}-01-01`;
  return lookback.sameYear && start < yearStart ? yearStart : start;
}

/** 就高不重复: of the categories held that the pack knows, the first in the pack's precedence. */
export function chooseCategory(pack: CompiledPack, held: readonly Category[]): Category | null {
  for (const category of pack.precedence) if (held.includes(category)) return category;
  return null;
}

/**
 * The category that decides a tier whose costs some category lets count before certification
 * (`pack.lookbackTiers`): the one held on `date` once those lookbacks extend the periods.
 */
export function categoryWithLookbacks(pack: CompiledPack, beneficiary: Beneficiary, date: string, tier: Tier): Category | null {
  return chooseCategory(pack, categoriesOn(beneficiary, date, (c) => (pack.lookbacks.get(c)?.tiers.includes(tier) ? pack.lookbacks.get(c) : undefined)));
}

/** Programmes of the pack applied for in the claim's natural year. */
function programsApplied(pack: CompiledPack, beneficiary: Beneficiary, year: number): Program[] {
  const applied: Program[] = [];
  for (const application of beneficiary.applications) {
    if (yearOf(application.date) === year && pack.programs.includes(application.program)) applied.push(application.program);
  }
  return applied;
}

/**
 * Settles a claim. Throws DomainError (NO_PACK_IN_FORCE, INCONSISTENT_FEES, PARAMETER_NOT_SET)
 * without touching any state when the claim cannot be settled.
 */
export function settle(pack: CompiledPack, beneficiary: Beneficiary, claim: Claim, yearToDate: YearToDate): SettleResult {
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
  const category = chooseCategory(pack, held);
  const programMask = pack.space.programMask(programsApplied(pack, beneficiary, year));
  const factIndex = pack.space.index(category ?? NO_CATEGORY, claim.kind, claim.referred, claim.inProvince, claim.guidanceFollowed, programMask);
  const lookbackIndex = new Map<Tier, { category: Category | null; index: number }>();
  for (const tier of pack.lookbackTiers) {
    const extended = categoryWithLookbacks(pack, beneficiary, claim.date, tier);
    if (extended !== category) {
      lookbackIndex.set(tier, { category: extended, index: pack.space.index(extended ?? NO_CATEGORY, claim.kind, claim.referred, claim.inProvince, claim.guidanceFollowed, programMask) });
    }
  }

  const { total, outOfCatalog, classBSelfPay, overStandard } = claim.fees;
  const policyScope = total.minus(outOfCatalog).minus(classBSelfPay).minus(overStandard);
  let leftInPolicy = policyScope;
  let leftOfTotal = total;
  const lines: SettlementLine[] = [];
  const tiersAfter = { ...yearToDate.tiers };

  for (const tier of TIERS) {
    const left = TIER_SCOPE[tier] === "policyScope" ? leftInPolicy : leftOfTotal;
    const before = yearToDate.tiers[tier];
    const lookback = lookbackIndex.get(tier);
    const line = lookback ? settleTier(pack, tier, claim, lookback.category, lookback.index, left, before) : settleTier(pack, tier, claim, category, factIndex, left, before);
    lines.push(line.line);
    if (line.countsBase || line.line.amount.greaterThan(ZERO)) {
      tiersAfter[tier] = { base: line.countsBase ? before.base.plus(left) : before.base, paid: before.paid.plus(line.line.amount) };
    }
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
      category,
      categoriesHeld: held,
      total,
      policyScope,
      lines,
      selfPay: leftOfTotal,
    },
    yearToDate: { beneficiaryId: beneficiary.id, year, tiers: tiersAfter },
  };
}

interface TierOutcome {
  line: SettlementLine;
  countsBase: boolean;
}

function settleTier(
  pack: CompiledPack,
  tier: Tier,
  claim: Claim,
  category: Category | null,
  factIndex: number,
  left: Money,
  before: TierYearToDate,
): TierOutcome {
  // Lines are written out field by field: in this V8 an object spread followed by more properties
  // costs microseconds per line, which was most of a settlement's time (see the benchmark notes).
  const packId = pack.id;
  const packVersion = pack.version;
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
      },
      countsBase: true,
    };
  }

  const table = pack.tables[tier];
  const rule = table ? table.choose(factIndex) : null;
  if (!table || !rule) {
    const reason: ZeroReason = !table ? "NOT_IN_PACK" : category === null ? "NO_CATEGORY" : "NO_RULE";
    return { line: { tier, packId, packVersion, amount: ZERO, source: "NONE", ruleId: null, citation: null, formula: null, figures: {}, reason, note: ZERO_NOTES[reason] }, countsBase: false };
  }

  const preparation = pack.formula(rule.name, claim.date);
  if (!preparation.ok) {
    const missing = preparation.missing;
    throw new DomainError(
      "PARAMETER_NOT_SET",
      `parameters.${missing[0]}`,
      `${tier}: 规则 ${rule.name} 需要的参数 ${missing.join(", ")} 未设定 (${missing.map((id) => pack.parameterSource(id)).join("; ")})，` +
        `请管理员设定或由合作方报送该层金额 / parameter(s) ${missing.join(", ")} have no value; an administrator must set them, or the partner must report this tier`,
      missing,
    );
  }
  const outcome = preparation.formula.pay({ base: left, baseBefore: before.base, paidBefore: before.paid });
  const line = new ComputedLine(tier, packId, packVersion, outcome.amount, rule.name, { document: pack.document.source.document, clause: rule.event.params.clause }, rule.event.type, outcome.figures, outcome.reason);
  line.note = outcome.reason ? `${rule.event.params.label}: ${ZERO_NOTES[outcome.reason]}` : rule.event.params.label;
  return { line, countsBase: outcome.countsBase };
}

/**
 * A line computed by a rule. Its figures are kept as exact values and turned into text the first
 * time they are read: most settlements are stored or summed, not shown, and formatting every figure
 * of every line was a tenth of the engine's time.
 */
class ComputedLine implements SettlementLine {
  readonly source = "COMPUTED" as const;
  note = "";
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
    this.text ??= formatFigures(this.raw);
    return this.text;
  }

  /** Serialises like a plain line, figures as text. */
  toJSON(): Omit<SettlementLine, "amount"> & { amount: Money } {
    return { tier: this.tier, amount: this.amount, source: this.source, ruleId: this.ruleId, packId: this.packId, packVersion: this.packVersion, citation: this.citation, formula: this.formula, figures: this.figures, reason: this.reason, note: this.note };
  }
}
