/**
 * What the three rule selectors share: the facts a claim presents to the rules, the engine's own
 * choice (its decision table), and settling a claim with rules chosen by someone else.
 *
 * The baselines must differ from the engine in rule selection only, so they do not re-implement
 * settlement: they hand their choices to the engine's own `settle` through a view of the pack whose
 * decision tables answer with those choices. Formulas, parameters, rounding, year-to-date and
 * explanations are then exactly the engine's.
 */
import type { CompiledPack } from "../engine/compiled-pack";
import type { AnnualAccounts } from "../engine/annual-accounts";
import type { RuleFacts } from "../engine/facts";
import type { RuleDocument } from "../engine/pack-document";
import { DecisionTable } from "../engine/rule-selection";
import { categoriesOn, chooseCategory, tierCategories } from "../engine/settle";
import type { Beneficiary, Claim, Settlement } from "../engine/types";
import { NO_CATEGORY, TIERS, type Tier } from "../engine/vocabulary";
import { programsGranted } from "../engine/applications";
import { yearOf } from "../lib/dates";

/** A generated claim with its beneficiary and the pack (with benchmark parameters) that settles it. */
export interface BenchClaim {
  pack: CompiledPack;
  beneficiary: Beneficiary;
  claim: Claim;
}

/** Chooses a tier's rule for a claim; null when no rule applies. */
export type RuleSelector = (pack: CompiledPack, tier: Tier, facts: RuleFacts) => Promise<RuleDocument | null>;

/** The parts of a claim that rules look at (a claim being generated has no amounts yet). */
export type ClaimSituation = Pick<Claim, "date" | "kind" | "referred" | "inProvince" | "guidanceFollowed" | "insuredType">;

/**
 * The facts the rules see for a claim, derived as `settle` derives them: the category in force on
 * the claim date by the pack's precedence (NONE when the person holds none of the pack's), the
 * claim's kind and flags, and the pack's programmes applied for in the claim's natural year.
 */
export function ruleFactsFor(pack: CompiledPack, beneficiary: Beneficiary, claim: ClaimSituation): RuleFacts {
  const year = yearOf(claim.date);
  const applications = programsGranted(beneficiary, year, pack.programs);
  return {
    category: chooseCategory(pack, categoriesOn(beneficiary, claim.date)) ?? NO_CATEGORY,
    kind: claim.kind,
    referred: claim.referred,
    inProvince: claim.inProvince,
    guidanceFollowed: claim.guidanceFollowed,
    insuredType: claim.insuredType,
    applications,
    transitions: pack.transitions.idsOf(pack.transitions.mask(beneficiary, claim.date)),
  };
}

/**
 * The facts each rule of a tier sees: `ruleFactsFor` once per category competing for the tier
 * (就高不重复 per tier, with the lookbacks of 宜春 倾斜 and 聊城 因病致贫), as `settle` asks them.
 */
export function tierFactsFor(pack: CompiledPack, beneficiary: Beneficiary, claim: ClaimSituation, tier: Tier): RuleFacts[] {
  const facts = ruleFactsFor(pack, beneficiary, claim);
  return tierCategories(pack, beneficiary, claim.date, tier).map((category) => ({ ...facts, category }));
}

/** The rule the engine's decision table holds for these facts (null: no rule, or no such tier). */
export function engineChoice(pack: CompiledPack, tier: Tier, facts: RuleFacts): RuleDocument | null {
  const table = pack.tables[tier];
  if (!table) return null;
  return table.choose(factIndex(pack, facts));
}

function factIndex(pack: CompiledPack, facts: RuleFacts): number {
  return pack.space.index(facts.category, facts.kind, facts.referred, facts.inProvince, facts.guidanceFollowed, pack.space.programMask(facts.applications), facts.insuredType, pack.transitions.maskOf(facts.transitions));
}

/** A decision table that answers only the questions of one claim, with rules chosen beforehand. */
class ChosenRules extends DecisionTable {
  constructor(private readonly rules: ReadonlyMap<number, RuleDocument | null>) {
    super([]);
  }

  override choose(index: number): RuleDocument | null {
    return this.rules.get(index) ?? null;
  }
}

/**
 * The pack as `settle` sees it for one claim, with the tables replaced by the given choices. Every
 * other member (formulas by date, parameters, precedence, dates in force) comes from the pack itself
 * through the prototype chain, so the arithmetic cannot drift from the engine's.
 */
function packWithChoices(pack: CompiledPack, chosen: Partial<Record<Tier, Map<number, RuleDocument | null>>>): CompiledPack {
  const tables: Partial<Record<Tier, DecisionTable>> = {};
  for (const tier of TIERS) {
    // A tier the pack lacks stays absent, so that settle still says NOT_IN_PACK for it.
    if (pack.tables[tier]) tables[tier] = new ChosenRules(chosen[tier] ?? new Map());
  }
  return Object.create(pack, { tables: { value: tables } }) as CompiledPack;
}

/**
 * Settles a claim with rules chosen by `select`, one call per tier and competing category, awaited in turn. A tier that a
 * partner reported is not asked: `settle` takes the reported amount without looking at any rule,
 * and a baseline that ran the rules anyway would be slowed by work the engine does not do.
 */
export async function settleSelecting(accounts: AnnualAccounts, item: BenchClaim, select: RuleSelector): Promise<Settlement> {
  const { pack, beneficiary, claim } = item;
  const chosen: Partial<Record<Tier, Map<number, RuleDocument | null>>> = {};
  for (const tier of TIERS) {
    if (!pack.tables[tier] || claim.reported[tier] !== undefined) continue;
    const rules = new Map<number, RuleDocument | null>();
    for (const facts of tierFactsFor(pack, beneficiary, claim, tier)) rules.set(factIndex(pack, facts), await select(pack, tier, facts));
    chosen[tier] = rules;
  }
  return accounts.settle(packWithChoices(pack, chosen), beneficiary, claim);
}
