/**
 * An in-memory keeper of households' years for the scenario runner, the benchmark and the property
 * tests: the same `planYear` the gateway stores, with the bills and settlements kept in memory.
 */
import { DomainError } from "../lib/errors";
import { contentHash } from "../lib/canonical-json";
import { formatAmount } from "../lib/money";
import type { CompiledPack } from "./compiled-pack";
import { compareBills, planYear, type YearBill, type YearPlan } from "./plan-year";
import { linkedYears } from "./medical-year";
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

/**
 * True when `claim` is the insurer's later report on a partial settlement of `previous`: the same
 * bill, with amounts reported for pending tiers added and nothing else changed.
 */
export function completesPending(settlement: Pick<Settlement, "pending">, previous: Claim, claim: Claim): boolean {
  const pending = settlement.pending ?? [];
  const added = pending.filter((tier) => claim.reported[tier] !== undefined && previous.reported[tier] === undefined);
  if (added.length === 0) return false;
  const withoutAdded = { ...claim, reported: { ...claim.reported } };
  for (const tier of added) delete withoutAdded.reported[tier];
  return claimFingerprint(withoutAdded) === claimFingerprint(previous);
}

/** A bill kept by AnnualAccounts: the pack it was settled with stays its pack, as stored settlements keep their version. */
interface KeptBill extends YearBill {
  pack: CompiledPack;
  fingerprint: string | null;
}

interface KeptYear {
  bills: KeptBill[];
  current: Map<string, Settlement>;
  yearToDate: YearToDate;
}

export class AnnualAccounts {
  private readonly years = new Map<string, KeptYear>();
  private readonly yearOfClaim = new Map<string, KeptYear>();
  private arrivals = 0;

  /** The year-to-date state of a beneficiary's year (empty when nothing was settled). */
  yearToDate(beneficiaryId: string, year: number): YearToDate {
    return this.years.get(`${beneficiaryId}/${year}`)?.yearToDate ?? emptyYearToDate(beneficiaryId, year);
  }

  /** The settlement a claim has now (a later, earlier-dated bill may have changed it). */
  settlementOf(claimId: string): Settlement | undefined {
    return this.yearOfClaim.get(claimId)?.current.get(claimId);
  }

  /**
   * Settles a claim once, within its year as `planYear` plans it: a bill dated before settled ones
   * settles the year again in date order. Returns the claim's settlement. The same claim again
   * returns its settlement and counts nothing twice; a different claim under a used id is refused
   * with CONFLICT.
   */
  settle(pack: CompiledPack, beneficiary: Beneficiary, claim: Claim): Settlement {
    const settledIn = this.yearOfClaim.get(claim.id);
    if (settledIn && completesPending(settledIn.current.get(claim.id)!, settledIn.bills.find((b) => b.claim.id === claim.id)!.claim, claim)) return this.complete(settledIn, beneficiary, claim);
    if (settledIn) return this.repeat(settledIn, claim);
    const year = yearOf(claim.date);
    const years = linkedYears(pack, beneficiary, year);
    const kept = this.kept(beneficiary.id, year);
    const linked = years.filter((y) => y !== year).map((y) => this.kept(beneficiary.id, y));
    const bill: KeptBill = { claim, arrival: this.arrivals + 1, pack, fingerprint: null };
    const plan = planYear({
      beneficiary,
      year,
      bills: [...linked.flatMap((k) => k.bills), ...kept.bills, bill],
      current: (b) => this.settlementOf(b.claim.id) ?? null,
      packFor: (b) => b.pack,
      storedYearToDate: kept.yearToDate,
    });
    // Nothing above threw, so the plan is kept whole; a refusal leaves the year as it was.
    this.arrivals++;
    kept.bills.push(bill);
    this.years.set(`${beneficiary.id}/${year}`, kept);
    this.yearOfClaim.set(claim.id, kept);
    this.keep(beneficiary.id, plan);
    return kept.current.get(claim.id)!;
  }

  /** A household's kept year; an empty one, registered only when `register` (a refusal keeps nothing). */
  private kept(beneficiaryId: string, year: number, register = false): KeptYear {
    const key = `${beneficiaryId}/${year}`;
    let kept = this.years.get(key);
    if (!kept) {
      kept = { bills: [], current: new Map<string, Settlement>(), yearToDate: emptyYearToDate(beneficiaryId, year) };
      if (register) this.years.set(key, kept);
    }
    return kept;
  }

  /** Keeps what a plan changed: each bill's settlement in its year, and every account planned. */
  private keep(beneficiaryId: string, plan: YearPlan<KeptBill>): void {
    for (const step of plan.settlements) if (step.changed) this.yearOfClaim.get(step.bill.claim.id)!.current.set(step.bill.claim.id, step.settlement!);
    for (const account of plan.accounts) this.kept(beneficiaryId, account.year, true).yearToDate = account;
  }

  /**
   * The insurer's later report on a partial settlement: the bill keeps its arrival and pack, takes
   * the reported amounts, and its year is settled again from the start (later bills may change).
   */
  private complete(kept: KeptYear, beneficiary: Beneficiary, claim: Claim): Settlement {
    const year = kept.yearToDate.year;
    const bill = kept.bills.find((b) => b.claim.id === claim.id)!;
    const linked = linkedYears(bill.pack, beneficiary, year).filter((y) => y !== year).map((y) => this.kept(beneficiary.id, y));
    const bills = kept.bills.map((b) => (b.claim.id === claim.id ? { ...b, claim, fingerprint: null } : b));
    const plan = planYear({ beneficiary, year, bills: [...linked.flatMap((k) => k.bills), ...bills], current: (b) => this.settlementOf(b.claim.id) ?? null, packFor: (b) => b.pack });
    kept.bills = bills;
    this.keep(beneficiary.id, plan);
    return kept.current.get(claim.id)!;
  }

  private repeat(kept: KeptYear, claim: Claim): Settlement {
    const previous = kept.bills.find((b) => b.claim.id === claim.id)!;
    // Fingerprints are computed only when an id comes back: hashing every claim cost a seventh of
    // a settlement's time.
    previous.fingerprint ??= claimFingerprint(previous.claim);
    if (previous.fingerprint === claimFingerprint(claim)) return kept.current.get(claim.id)!;
    throw new DomainError("CONFLICT", "claim.id", `claim.id: 编号 ${claim.id} 已用于另一笔费用 / claim id ${claim.id} was already used for a different bill`);
  }

  /** The settlements of a beneficiary's year, in settlement order (date, then arrival). */
  settlementsOfYear(beneficiaryId: string, year: number): Settlement[] {
    const kept = this.years.get(`${beneficiaryId}/${year}`);
    if (!kept) return [];
    return [...kept.bills].sort(compareBills).map((b) => kept.current.get(b.claim.id)!);
  }

  /** How many claims are stored. */
  get size(): number {
    return this.yearOfClaim.size;
  }

  /** The whole stored state as text, to prove that a refused claim changed nothing. */
  snapshot(): string {
    const years = [...this.years.entries()].map(([key, kept]) => [key, Object.entries(kept.yearToDate.tiers).map(([tier, t]) => `${tier}:${t.base.toFixed(2)}/${t.paid.toFixed(2)}`)]);
    return JSON.stringify({ years, claims: [...this.yearOfClaim.keys()].sort() });
  }
}
