/**
 * The check that makes the comparison fair: the engine's decision table, the naive json-rules-engine
 * run and the ZEN decision table must choose the same rule, and the baselines' settlements must equal
 * the engine's to the fen. A benchmark of selectors that disagree would compare different work.
 */
import { AnnualAccounts } from "../engine/annual-accounts";
import { isDomainError } from "../lib/errors";
import type { CompiledPack } from "../engine/compiled-pack";
import type { RuleFacts } from "../engine/facts";
import type { RuleDocument } from "../engine/pack-document";
import type { Settlement } from "../engine/types";
import { TIERS, type Tier } from "../engine/vocabulary";
import { engineChoice, settleSelecting, tierFactsFor, type BenchClaim, type RuleSelector } from "./selection";

export interface AgreementReport {
  /** Tier choices compared on the sample claims (every tier of the pack, reported or not). */
  claimChoices: number;
  /** Tier choices compared over every combination of facts of every pack. */
  combinationChoices: number;
  /** Settlements compared line by line with the engine's. */
  settlements: number;
}

const nameOf = (rule: RuleDocument | null): string => rule?.name ?? "(none)";

/** A settlement's amounts and rules in one line, to compare two settlements exactly. */
function fingerprint(settlement: Settlement): string {
  return `${settlement.lines.map((l) => `${l.tier}=${l.amount.toFixed(2)}/${l.source}/${l.ruleId ?? "-"}`).join(" ")} self=${settlement.selfPay.toFixed(2)}`;
}

/** The settlement's fingerprint, or the code of the refusal: both sides must refuse alike. */
async function outcome(settleOne: () => Settlement | Promise<Settlement>): Promise<string> {
  try {
    return fingerprint(await settleOne());
  } catch (error) {
    if (isDomainError(error)) return `refused ${error.code}`;
    throw error;
  }
}

/** Asks every selector for a tier's rule; returns a description of the disagreement, if any. */
async function disagreement(pack: CompiledPack, tier: Tier, facts: RuleFacts, selectors: Record<string, RuleSelector>, what: string): Promise<string | null> {
  const expected = nameOf(engineChoice(pack, tier, facts));
  for (const [name, select] of Object.entries(selectors)) {
    const got = nameOf(await select(pack, tier, facts));
    if (got !== expected) return `${what} ${pack.id}/${tier} ${JSON.stringify(facts)}: engine ${expected}, ${name} ${got}`;
  }
  return null;
}

/**
 * Compares the selectors on the sample claims (each tier of the claim's pack) and on every
 * combination of facts of every pack, then settles the sample through each baseline and compares
 * the settlements with the engine's. Throws, listing the first disagreements, if anything differs.
 */
export async function checkAgreement(sample: readonly BenchClaim[], packs: readonly CompiledPack[], selectors: Record<string, RuleSelector>): Promise<AgreementReport> {
  const problems: string[] = [];
  const note = (problem: string | null) => {
    if (problem !== null) problems.push(problem);
  };
  let claimChoices = 0;
  for (const { pack, beneficiary, claim } of sample) {
    for (const tier of TIERS) {
      if (!pack.tables[tier]) continue;
      for (const facts of tierFactsFor(pack, beneficiary, claim, tier)) {
        note(await disagreement(pack, tier, facts, selectors, `claim ${claim.id}`));
        claimChoices++;
      }
    }
  }

  // The sample cannot reach every corner (e.g. an unreferred out-of-province 宜春 applicant), the
  // fact space can: it has at most a few hundred combinations per pack.
  let combinationChoices = 0;
  for (const pack of packs) {
    for (const tier of TIERS) {
      if (!pack.tables[tier]) continue;
      for (const { facts } of pack.space.combinations()) {
        note(await disagreement(pack, tier, facts, selectors, "combination"));
        combinationChoices++;
      }
    }
  }

  const engineAccounts = new AnnualAccounts();
  const expected: string[] = [];
  for (const item of sample) expected.push(await outcome(() => engineAccounts.settle(item.pack, item.beneficiary, item.claim)));
  for (const [name, select] of Object.entries(selectors)) {
    const accounts = new AnnualAccounts();
    for (let i = 0; i < sample.length; i++) {
      const got = await outcome(() => settleSelecting(accounts, sample[i], select));
      if (got !== expected[i]) problems.push(`settlement of ${sample[i].claim.id}: engine ${expected[i]}; ${name} ${got}`);
    }
  }

  if (problems.length > 0) {
    throw new Error(`the selectors disagree (${problems.length} differences):\n  ${problems.slice(0, 10).join("\n  ")}`);
  }
  return { claimChoices, combinationChoices, settlements: sample.length * Object.keys(selectors).length };
}
