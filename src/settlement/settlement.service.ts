/**
 * Settling stored claims: one transaction per settlement, under the beneficiary's lock, reading
 * the year-to-date state, settling with the engine, and writing the settlement, its lines and the
 * new accumulators together. A claim dated before claims already settled in its year makes the
 * year be settled again in date order; changed settlements are superseded by new ones and the
 * differences recorded as adjustments.
 */
import { randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { DomainError, notFound, renameField } from "../lib/errors";
import { Money, ZERO } from "../lib/money";
import { nowIso, type TransactionRunner } from "../lib/db";
import { monthsBefore, yearOf } from "../lib/dates";
import { DEFAULT_BILL_LIMITS, type BillLimits } from "../lib/config";
import { yieldToEventLoop } from "../lib/event-loop";
import { groupBy } from "../lib/collections";
import { settle } from "../engine/settle";
import { emptyYearToDate } from "../engine/year-to-date";
import { settleInDateOrder } from "../engine/year-replay";
import { describeYear, type TierPosition } from "../engine/describe-year";
import { readBeneficiary, readClaim } from "../engine/input";
import { TIERS, type Tier } from "../engine/vocabulary";
import type { CompiledPack } from "../engine/compiled-pack";
import type { Beneficiary, Claim, Settlement, YearToDate } from "../engine/types";
import type { Principal } from "../access/principal";
import type { AuditService } from "../access/audit.service";
import { partnerId, scopedKey } from "../access/tenant-ids";
import type { RulePackService } from "../rules/rule-pack.service";
import type { BeneficiaryService } from "../beneficiary/beneficiary.service";
import { ClaimEntity } from "../claim/claim.entity";
import { ClaimRepository } from "../claim/claim.repository";
import { claimLimits, toEngineClaim } from "../claim/claim.service";
import { AdjustmentEntity, SettlementEntity, SettlementLineEntity, YearToDateEntity } from "./settlement.entity";
import { SettlementRepository } from "./settlement.repository";
import { describeReversal, reversalsOf, wouldReversePaid } from "./reversals";

/** A year settled again: per claim, its current settlement and what the replay gives. */
export interface YearReplay {
  beneficiaryId: string;
  year: number;
  steps: Array<{
    claim: ClaimEntity;
    current: SettlementEntity | null;
    settlement: Settlement;
    /** Amounts per tier (and selfPay) of the current settlement; null for a claim not yet settled. */
    before: Map<string, Money> | null;
    after: Map<string, Money>;
    changed: boolean;
  }>;
  yearToDate: YearToDate;
}

/** A claim of a what-if, read, with its place in the request. */
interface QuotedClaim {
  index: number;
  claim: Claim;
}

/** One claim of a what-if: its settlement or the refusal. */
export interface SimulatedClaim {
  claimId: string;
  settlement: Settlement | null;
  error: DomainError | null;
}

/** Work that must happen in the same transaction as every settlement of a year (e.g. entitlements). */
export type AfterSettlement = (manager: EntityManager, claim: ClaimEntity) => Promise<void>;

export class SettlementService {
  readonly repository = new SettlementRepository();
  private readonly claims = new ClaimRepository();
  /** Called after a claim's year was settled, inside the same transaction. */
  readonly afterSettlement: AfterSettlement[] = [];
  /** What the charity ledger allocated to a household's year (wired to the charity service). */
  allocatedCharity: (manager: EntityManager, beneficiaryId: string, year: number) => Promise<Money> = async () => ZERO;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly packs: RulePackService,
    private readonly beneficiaries: BeneficiaryService,
    private readonly audit: AuditService,
    private readonly billLimits: BillLimits = DEFAULT_BILL_LIMITS,
  ) {}

  /**
   * Settles a submitted claim, or returns its settlement when it is already settled. Given a
   * `transaction`, it runs inside it.
   */
  async settleClaim(principal: Principal, callerId: string, jurisdiction?: string | null, transaction?: EntityManager): Promise<SettlementEntity> {
    const visible = await this.claims.findByCallerId(transaction ?? this.dataSource.manager, this.beneficiaries.keysFor(principal, callerId, jurisdiction), callerId);
    if (!visible) throw notFound("claim", callerId);
    const claimId = visible.id;
    return this.transactions.joinOrRun(transaction, async (manager) => {
      await this.beneficiaries.repository.lock(manager, visible.beneficiaryId);
      const [current] = await this.repository.currentOfClaims(manager, [claimId]);
      if (current) return current;
      const claim = (await this.claims.findById(manager, claimId))!;
      const settled = await this.settleYear(manager, claim, principal.keyId);
      for (const hook of this.afterSettlement) await hook(manager, claim);
      await this.audit.record(manager, principal.keyId, "claim.settle", "claim", claimId, { settlementId: settled.id, packId: settled.packId, packVersion: settled.packVersion });
      return settled;
    });
  }

  /**
   * Settles `claim` within its beneficiary's year. When it comes after every settled claim of the
   * year (the usual case) it is settled against the stored year-to-date state; otherwise the year is
   * replayed in date order.
   */
  private async settleYear(manager: EntityManager, claim: ClaimEntity, actor: string): Promise<SettlementEntity> {
    const now = nowIso();
    if (!(await this.repository.anyAfter(manager, claim.beneficiaryId, claim.year, claim.date, claim.sequence))) {
      const beneficiary = await this.beneficiaries.engineBeneficiary(manager, claim.beneficiaryId);
      const before = toYearToDate(claim.beneficiaryId, claim.year, await this.repository.yearToDate(manager, claim.beneficiaryId, claim.year));
      const pack = this.packs.packFor(claim.jurisdiction, claim.date);
      const result = settle(pack, beneficiary, toEngineClaim(claim), before);
      const entity = await this.writeSettlement(manager, result.settlement, "INITIAL", null, now);
      await this.writeYearToDate(manager, result.yearToDate, now);
      await manager.update(ClaimEntity, { id: claim.id }, { status: "SETTLED" });
      return entity;
    }

    // An earlier bill arrived after later ones: settle the whole year again in date order. Each
    // settled claim keeps the pack version it was settled under; the new one takes today's.
    const replay = await this.replayYear(manager, claim.beneficiaryId, claim.year, { add: claim, packs: "recorded" });
    const created = await this.writeReplay(manager, replay, "OUT_OF_ORDER", `earlier claim ${partnerId(claim.id)} (${claim.date}) arrived after it`, actor, now);
    await manager.update(ClaimEntity, { id: claim.id }, { status: "SETTLED" });
    return created!;
  }

  /**
   * Settles a beneficiary's year again from nothing, in date order, without writing: under the
   * versions each claim was settled with ("recorded"), the versions in force now ("current"), or
   * a given draft for the dates it covers ("draft", a preview).
   */
  async replayYear(
    manager: EntityManager,
    beneficiaryId: string,
    year: number,
    options: { add?: ClaimEntity; packs: "recorded" | "current"; draft?: CompiledPack },
  ): Promise<YearReplay> {
    const beneficiary = await this.beneficiaries.engineBeneficiary(manager, beneficiaryId);
    const currents = await this.repository.currentOfYear(manager, beneficiaryId, year);
    const settledClaims = await this.claims.findByIds(manager, currents.map((s) => s.claimId));
    const lines = await this.repository.tierAmountsOf(manager, currents.map((s) => s.id));
    const ordered = [...settledClaims, ...(options.add ? [options.add] : [])].sort((a, b) => (a.date === b.date ? a.sequence - b.sequence : a.date < b.date ? -1 : 1));
    // Looked up by key, not searched per bill: a year of n bills costs O(n), not O(n²).
    const currentOfClaim = new Map(currents.map((s) => [s.claimId, s]));
    const linesOfSettlement = groupBy(lines, (l) => l.settlementId);
    let ytd = emptyYearToDate(beneficiaryId, year);
    const steps: YearReplay["steps"] = [];
    for (const next of ordered) {
      const current = currentOfClaim.get(next.id) ?? null;
      let pack: CompiledPack;
      if (options.draft && options.draft.covers(next.date)) pack = options.draft;
      else if (current && options.packs === "recorded") pack = await this.packs.version(current.packId, current.packVersion);
      else pack = this.packs.packFor(next.jurisdiction, next.date);
      const result = settle(pack, beneficiary, toEngineClaim(next), ytd);
      ytd = result.yearToDate;
      const before = current ? amountsOf(linesOfSettlement.get(current.id) ?? [], current.selfPay) : null;
      const after = amountsOf(result.settlement.lines, result.settlement.selfPay);
      steps.push({ claim: next, current, settlement: result.settlement, before, after, changed: before === null || !sameAmounts(before, after) || current!.packVersion !== pack.version });
    }
    return { beneficiaryId, year, steps, yearToDate: ytd };
  }

  /** Writes what a replay changed: new settlements superseding changed ones, with adjustments. */
  private async writeReplay(manager: EntityManager, replay: YearReplay, cause: string, causeText: string, actor: string, now: string): Promise<SettlementEntity | null> {
    let created: SettlementEntity | null = null;
    for (const step of replay.steps) {
      if (!step.current) {
        created = await this.writeSettlement(manager, step.settlement, "INITIAL", null, now);
        continue;
      }
      if (!step.changed) continue;
      const replacement = await this.writeSettlement(manager, step.settlement, cause, step.current.id, now);
      await manager.update(SettlementEntity, { id: step.current.id }, { status: "SUPERSEDED" });
      for (const [tier, before] of step.before!) {
        const after = step.after.get(tier) ?? ZERO;
        if (before.equals(after)) continue;
        await manager.insert(AdjustmentEntity, {
          claimId: step.claim.id,
          fromSettlementId: step.current.id,
          toSettlementId: replacement.id,
          tier,
          before,
          after,
          difference: after.minus(before),
          cause: causeText.slice(0, 120),
          createdAt: now,
        });
      }
      await this.audit.record(manager, actor, "settlement.adjust", "claim", step.claim.id, { from: step.current.id, to: replacement.id, cause: causeText });
    }
    await this.writeYearToDate(manager, replay.yearToDate, now);
    return created;
  }

  /**
   * Settles again, in date order, every year of a beneficiary that a change of its certified record
   * can reach (a category or application with an earlier effective date, lookbacks included), under
   * the versions the claims were settled with. Differences become adjustments.
   */
  async replayAfterRecordChange(manager: EntityManager, beneficiaryId: string, earliestChange: string, actor: string, confirmReversal: boolean): Promise<void> {
    // A lookback reaches at most 24 months before a certification (the schema's limit).
    const firstYear = Number(monthsBefore(earliestChange, 24).slice(0, 4));
    const years = [...new Set((await manager.find(SettlementEntity, { where: { beneficiaryId, status: "CURRENT" } })).map((s) => s.year))].filter((y) => y >= firstYear).sort();
    const replays: YearReplay[] = [];
    for (const year of years) {
      const replay = await this.replayYear(manager, beneficiaryId, year, { packs: "recorded" });
      if (replay.steps.some((step) => step.changed)) replays.push(replay);
    }
    await this.checkReversals(manager, beneficiaryId, replays, actor, confirmReversal);
    const now = nowIso();
    for (const replay of replays) {
      await this.writeReplay(manager, replay, "RETROACTIVE", `category or application changed from ${earliestChange} by ${actor}`, actor, now);
      const last = replay.steps[replay.steps.length - 1];
      for (const hook of this.afterSettlement) await hook(manager, last.claim);
    }
  }

  /** Refuses replays that take back money paid or allocated, unless confirmed; a confirmed one is recorded. */
  private async checkReversals(manager: EntityManager, beneficiaryId: string, replays: YearReplay[], actor: string, confirmed: boolean): Promise<void> {
    const reversals = [];
    for (const replay of replays) reversals.push(...reversalsOf(replay, await this.allocatedCharity(manager, beneficiaryId, replay.year)));
    if (reversals.length === 0) return;
    if (!confirmed) throw wouldReversePaid(reversals);
    await this.audit.record(manager, actor, "settlement.reversal.confirmed", "beneficiary", beneficiaryId, { reversals: reversals.map(describeReversal) });
  }

  /**
   * Re-settles a beneficiary's year under the pack versions in force now (ADMIN), recording every
   * difference as an adjustment. Returns the year's current settlements.
   */
  async resettle(principal: Principal, callerId: string, year: number, jurisdiction?: string | null): Promise<SettlementEntity[]> {
    principal.requireRole("ADMIN");
    const beneficiary = await this.beneficiaries.get(principal, callerId, jurisdiction, "beneficiaryId");
    const beneficiaryId = beneficiary.id;
    return this.transactions.run(async (manager) => {
      await this.beneficiaries.repository.lock(manager, beneficiaryId);
      const replay = await this.replayYear(manager, beneficiaryId, year, { packs: "current" });
      await this.writeReplay(manager, replay, "RESETTLED", `re-settled by ${principal.keyId} under the versions in force`, principal.keyId, nowIso());
      const last = replay.steps[replay.steps.length - 1];
      if (last) for (const hook of this.afterSettlement) await hook(manager, last.claim);
      await this.audit.record(manager, principal.keyId, "settlement.resettle", "beneficiary", beneficiary.id, { year, claims: replay.steps.length, changed: replay.steps.filter((s) => s.changed).length });
      return this.repository.currentOfYear(manager, beneficiaryId, year);
    });
  }

  private async writeSettlement(manager: EntityManager, settlement: Settlement, cause: string, supersedesId: string | null, now: string): Promise<SettlementEntity> {
    const entity: SettlementEntity = {
      id: randomUUID(),
      claimId: settlement.claimId,
      beneficiaryId: settlement.beneficiaryId,
      year: settlement.year,
      date: settlement.date,
      packId: settlement.packId,
      packVersion: settlement.packVersion,
      category: settlement.category,
      categoriesHeld: settlement.categoriesHeld.join(","),
      total: settlement.total,
      policyScope: settlement.policyScope,
      selfPay: settlement.selfPay,
      status: "CURRENT",
      cause,
      supersedesId,
      settledAt: now,
    };
    await manager.insert(SettlementEntity, entity);
    await manager.insert(
      SettlementLineEntity,
      settlement.lines.map((line, position) => ({
        settlementId: entity.id,
        position,
        tier: line.tier,
        amount: line.amount,
        source: line.source,
        ruleId: line.ruleId,
        packId: line.packId,
        packVersion: line.packVersion,
        clauseDocument: line.citation?.document ?? null,
        clause: line.citation?.clause ?? null,
        formula: line.formula,
        figures: JSON.stringify(line.figures),
        reason: line.reason,
        note: line.note.slice(0, 400),
        category: line.category ?? null,
        provisional: line.provisional === true,
        missingParameters: line.missingParameters?.join(",") ?? null,
      })),
    );
    return entity;
  }

  private async writeYearToDate(manager: EntityManager, ytd: YearToDate, now: string): Promise<void> {
    const existing = new Set((await this.repository.yearToDate(manager, ytd.beneficiaryId, ytd.year)).map((row) => row.tier));
    for (const tier of TIERS) {
      const { base, paid } = ytd.tiers[tier];
      if (existing.has(tier)) await manager.update(YearToDateEntity, { beneficiaryId: ytd.beneficiaryId, year: ytd.year, tier }, { base, paid, updatedAt: now });
      else await manager.insert(YearToDateEntity, { beneficiaryId: ytd.beneficiaryId, year: ytd.year, tier, base, paid, updatedAt: now });
    }
  }

  /**
   * Settles a claim against the stored year without writing anything: what submitting checks, so
   * that a claim that could not be settled is refused before it is stored.
   */
  async dryRun(manager: EntityManager, jurisdiction: string, claim: Claim): Promise<Settlement> {
    const year = Number(claim.date.slice(0, 4));
    const pack = this.packs.packFor(jurisdiction, claim.date);
    const beneficiary = await this.beneficiaries.engineBeneficiary(manager, claim.beneficiaryId);
    const ytd = toYearToDate(claim.beneficiaryId, year, await this.repository.yearToDate(manager, claim.beneficiaryId, year));
    return settle(pack, beneficiary, claim, ytd).settlement;
  }

  /**
   * A what-if: settles claims for a beneficiary (stored, or described inline) with optional
   * parameter overrides, starting from the stored year when the beneficiary is stored. Each claim is
   * quoted as it stands once all of them are settled: a claim dated before bills already counted
   * settles its year again in date order, as settling will. Nothing is written.
   */
  async simulate(
    principal: Principal,
    input: { jurisdiction: string; beneficiaryId?: string | null; beneficiary?: unknown; claims: unknown[]; parameters?: Record<string, unknown> | null },
  ): Promise<SimulatedClaim[]> {
    principal.requireJurisdiction(input.jurisdiction, "input.jurisdiction");
    if (!this.packs.jurisdictions().includes(input.jurisdiction)) {
      throw new DomainError("UNKNOWN_PACK", "input.jurisdiction", `input.jurisdiction: 未知辖区 ${input.jurisdiction} / unknown jurisdiction`);
    }
    if (input.claims.length > this.billLimits.maxBillsPerRequest) {
      const most = this.billLimits.maxBillsPerRequest;
      throw new DomainError("TOO_MANY_BILLS", "input.claims", `input.claims: 一次最多试算 ${most} 笔费用 / at most ${most} bills per request (MAX_BILLS_PER_REQUEST); got ${input.claims.length}`);
    }
    let beneficiary: Beneficiary;
    const manager = this.dataSource.manager;
    if (input.beneficiaryId) {
      const stored = await this.beneficiaries.get(principal, input.beneficiaryId, input.jurisdiction, "input.beneficiaryId");
      beneficiary = await this.beneficiaries.engineBeneficiary(manager, stored.id);
    } else {
      const described = readBeneficiary(input.beneficiary, "input.beneficiary");
      beneficiary = { ...described, id: scopedKey(input.jurisdiction, described.id) };
    }
    const overridden = new Map<CompiledPack, CompiledPack>();
    const packFor = (date: string) => {
      const base = this.packs.packFor(input.jurisdiction, date);
      let pack = overridden.get(base);
      if (!pack) {
        pack = base.withParameters(input.parameters ?? {});
        overridden.set(base, pack);
      }
      return pack;
    };
    const claimIdOf = (raw: unknown, index: number) => (typeof (raw as { id?: unknown })?.id === "string" ? (raw as { id: string }).id : `claims[${index}]`);
    const results: SimulatedClaim[] = input.claims.map((raw, index) => ({ claimId: claimIdOf(raw, index), settlement: null, error: null }));
    const quotedByYear = new Map<number, QuotedClaim[]>();
    const limits = claimLimits(this.billLimits);
    for (const [index, raw] of input.claims.entries()) {
      try {
        const read = readClaim(raw, beneficiary.id, `input.claims[${index}]`, limits);
        // Keys like stored claims' (tenant-ids), so that a what-if id never meets a stored key.
        const claim = { ...read, id: scopedKey(input.jurisdiction, read.id) };
        const year = yearOf(claim.date);
        const ofYear = quotedByYear.get(year);
        if (ofYear) ofYear.push({ index, claim });
        else quotedByYear.set(year, [{ index, claim }]);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        results[index].error = error;
      }
    }
    for (const [year, quoted] of quotedByYear) {
      // A year is quoted in one pass, so a request costs time linear in its year's bills.
      await yieldToEventLoop();
      const counted = input.beneficiaryId ? await this.settledClaimsOfYear(manager, beneficiary.id, year) : [];
      const stored = input.beneficiaryId ? await this.claims.countOfYear(manager, beneficiary.id, year) : 0;
      const within = this.refuseBeyondYearCap(quoted, stored, results);
      const yearToDate = input.beneficiaryId ? toYearToDate(beneficiary.id, year, await this.repository.yearToDate(manager, beneficiary.id, year)) : emptyYearToDate(beneficiary.id, year);
      try {
        this.quoteYear(beneficiary, year, counted, yearToDate, within, packFor, results);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        for (const { index } of within) results[index].error = error;
      }
    }
    // The engine names a claim's fields from `claim` and parameters from `parameters`: here they are the input's.
    return results.map((result, index) => ({ ...result, error: result.error && renameField(result.error, [["claim", `input.claims[${index}]`], ["parameters", "input.parameters"]]) }));
  }

  /** The quoted claims a year can still take (MAX_BILLS_PER_YEAR); the others are refused. */
  private refuseBeyondYearCap(quoted: QuotedClaim[], stored: number, results: SimulatedClaim[]): QuotedClaim[] {
    const room = Math.max(0, this.billLimits.maxBillsPerYear - stored);
    for (const { index, claim } of quoted.slice(room)) {
      const field = `input.claims[${index}].date`;
      results[index].error = new DomainError("TOO_MANY_BILLS", field, `${field}: ${claim.date.slice(0, 4)} 年的费用已达上限 / the year already has the most bills one year may have (MAX_BILLS_PER_YEAR)`);
    }
    return quoted.slice(0, room);
  }

  /**
   * Quotes a year's claims after its counted (settled) bills. Claims in date order after every
   * counted bill are settled one after the other from the stored account; otherwise the year is
   * settled again in date order once, and each claim quoted where it falls.
   */
  private quoteYear(beneficiary: Beneficiary, year: number, counted: Claim[], stored: YearToDate, quoted: QuotedClaim[], packFor: (date: string) => CompiledPack, results: SimulatedClaim[]): void {
    let latest = counted.reduce((last, bill) => (bill.date > last ? bill.date : last), "");
    const inDateOrder = quoted.every(({ claim }) => {
      const later = claim.date >= latest;
      latest = claim.date;
      return later;
    });
    if (inDateOrder) {
      let yearToDate = stored;
      for (const { index, claim } of quoted) {
        try {
          const result = settle(packFor(claim.date), beneficiary, claim, yearToDate);
          yearToDate = result.yearToDate;
          results[index].settlement = result.settlement;
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          results[index].error = error;
        }
      }
      return;
    }
    // A refused counted bill makes the year unquotable (it propagates); a refused quoted claim is
    // left out of the year, as submitting would have refused it.
    const bills: Array<{ claim: Claim; index: number | null }> = [...counted.map((claim) => ({ claim, index: null })), ...quoted];
    const replayed = settleInDateOrder(bills, beneficiary, year, (bill) => packFor(bill.claim.date), (bill, error) => {
      if (bill.index === null) throw error;
      results[bill.index].error = error;
    });
    for (const step of replayed) if (step.bill.index !== null) results[step.bill.index].settlement = step.settlement;
  }

  /** A beneficiary's settled claims of a year, as the engine reads them, in the order they were submitted. */
  private async settledClaimsOfYear(manager: EntityManager, beneficiaryId: string, year: number): Promise<Claim[]> {
    const currents = await this.repository.currentOfYear(manager, beneficiaryId, year);
    const entities = await this.claims.findByIds(manager, currents.map((s) => s.claimId));
    return entities.sort((a, b) => a.sequence - b.sequence).map(toEngineClaim);
  }

  /** Per tier: paid, cap left and deductible left for a beneficiary's year. */
  async annualSummary(principal: Principal, callerId: string, year: number, jurisdiction?: string | null): Promise<TierPosition[]> {
    const stored = await this.beneficiaries.get(principal, callerId, jurisdiction, "beneficiaryId");
    const beneficiaryId = stored.id;
    const manager = this.dataSource.manager;
    const ytd = toYearToDate(beneficiaryId, year, await this.repository.yearToDate(manager, beneficiaryId, year));
    const beneficiary = await this.beneficiaries.engineBeneficiary(manager, beneficiaryId);
    const pack = this.packs.packForYear(stored.jurisdiction, year);
    const yearEnd = `${year}-12-31`;
    const date = pack && pack.document.inForce.to !== null && pack.document.inForce.to < yearEnd ? pack.document.inForce.to : yearEnd;
    if (!pack) return TIERS.map((tier) => ({ tier, paid: ytd.tiers[tier].paid, base: ytd.tiers[tier].base, ruleId: null, deductibleLeft: null, capLeft: null }));
    return describeYear(pack, beneficiary, ytd, date, (text) => new Money(text));
  }
}

/** The engine's year-to-date state from stored rows (tiers without a row start at 0). */
export function toYearToDate(beneficiaryId: string, year: number, rows: YearToDateEntity[]): YearToDate {
  const ytd = emptyYearToDate(beneficiaryId, year);
  for (const row of rows) ytd.tiers[row.tier as Tier] = { base: row.base, paid: row.paid };
  return ytd;
}

/** The amounts of a settlement per tier, plus the self-pay, for comparison. */
export function amountsOf(lines: ReadonlyArray<{ tier: string; amount: Money }>, selfPay: Money): Map<string, Money> {
  const amounts = new Map<string, Money>(lines.map((l) => [l.tier, l.amount]));
  amounts.set("selfPay", selfPay);
  return amounts;
}

function sameAmounts(a: Map<string, Money>, b: Map<string, Money>): boolean {
  for (const [key, value] of a) if (!value.equals(b.get(key) ?? ZERO)) return false;
  return true;
}
