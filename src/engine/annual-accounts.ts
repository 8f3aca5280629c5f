/**
 * An in-memory keeper of year-to-date states and settled claims, for the scenario runner, the
 * benchmark and the property tests. The gateway keeps the same things in its database.
 */
import { DomainError } from "../lib/errors";
import { contentHash } from "../lib/canonical-json";
import { formatAmount } from "../lib/money";
import type { CompiledPack } from "./compiled-pack";
import { settle } from "./settle";
import { emptyYearToDate } from "./year-to-date";
import { yearOf } from "../lib/dates";
import type { Beneficiary, Claim, Settlement, YearToDate } from "./types";

/** A fingerprint of a claim's content, to tell a repeat from a different claim under a reused id. */
export function claimFingerprint(claim: Claim): string {
  const reported: Record<string, string> = {};
  for (const [tier, amount] of Object.entries(claim.reported)) if (amount) reported[tier] = formatAmount(amount);
  return contentHash({
    ...claim,
    fees: {
      total: formatAmount(claim.fees.total),
      outOfCatalog: formatAmount(claim.fees.outOfCatalog),
      classBSelfPay: formatAmount(claim.fees.classBSelfPay),
      overStandard: formatAmount(claim.fees.overStandard),
    },
    reported,
  });
}

export class AnnualAccounts {
  private readonly years = new Map<string, YearToDate>();
  private readonly settled = new Map<string, { claim: Claim; fingerprint: string | null; settlement: Settlement }>();

  /** The year-to-date state of a beneficiary's year (empty when nothing was settled). */
  yearToDate(beneficiaryId: string, year: number): YearToDate {
    return this.years.get(`${beneficiaryId}/${year}`) ?? emptyYearToDate(beneficiaryId, year);
  }

  /** The settlement stored for a claim id, if any. */
  settlementOf(claimId: string): Settlement | undefined {
    return this.settled.get(claimId)?.settlement;
  }

  /**
   * Settles a claim once. The same claim again returns the stored settlement and counts nothing
   * twice; a different claim under a used id is refused with CONFLICT.
   */
  settle(pack: CompiledPack, beneficiary: Beneficiary, claim: Claim): Settlement {
    const previous = this.settled.get(claim.id);
    if (previous) {
      // Fingerprints are computed only when an id comes back: hashing every claim cost a seventh
      // of a settlement's time.
      previous.fingerprint ??= claimFingerprint(previous.claim);
      if (previous.fingerprint === claimFingerprint(claim)) return previous.settlement;
      throw new DomainError("CONFLICT", "claim.id", `claim.id: 编号 ${claim.id} 已用于另一笔费用 / claim id ${claim.id} was already used for a different bill`);
    }
    const before = this.yearToDate(beneficiary.id, yearOf(claim.date));
    const { settlement, yearToDate } = settle(pack, beneficiary, claim, before);
    this.years.set(`${beneficiary.id}/${yearToDate.year}`, yearToDate);
    this.settled.set(claim.id, { claim, fingerprint: null, settlement });
    return settlement;
  }

  /** The settlements of a beneficiary's year, in the order they were settled. */
  settlementsOfYear(beneficiaryId: string, year: number): Settlement[] {
    return [...this.settled.values()].map((s) => s.settlement).filter((s) => s.beneficiaryId === beneficiaryId && s.year === year);
  }

  /** How many claims are stored. */
  get size(): number {
    return this.settled.size;
  }

  /** The whole stored state as text, to prove that a refused claim changed nothing. */
  snapshot(): string {
    const years = [...this.years.entries()].map(([key, ytd]) => [key, Object.entries(ytd.tiers).map(([tier, t]) => `${tier}:${t.base.toFixed(2)}/${t.paid.toFixed(2)}`)]);
    return JSON.stringify({ years, claims: [...this.settled.keys()].sort() });
  }
}
