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
import { emptyYearToDate } from "../engine/year-to-date";
import { planYear, type YearBill } from "../engine/plan-year";
import { linkedYears } from "../engine/medical-year";
import { describeYear, type TierPosition } from "../engine/describe-year";
import { readBeneficiary, readClaim } from "../engine/input";
import { TIERS, type Tier } from "../engine/vocabulary";
import type { CompiledPack } from "../engine/compiled-pack";
import type { Beneficiary, Claim, Settlement, YearToDate } from "../engine/types";
import { RECORD_KEEPERS, type Principal } from "../access/principal";
import type { AuditService } from "../access/audit.service";
import { jurisdictionOf, partnerId, scopedKey } from "../access/tenant-ids";
import type { RulePackService } from "../rules/rule-pack.service";
import type { BeneficiaryLookup } from "../beneficiary/beneficiary-lookup";
import type { BeneficiaryRecord } from "../beneficiary/beneficiary-source";
import { ClaimEntity } from "../claim/claim.entity";
import { ClaimRepository } from "../claim/claim.repository";
import { claimLimits, toEngineClaim } from "../claim/claim.mapping";
import { AdjustmentEntity, SettlementEntity, SettlementLineEntity, YearToDateEntity, type SettlementCause } from "./settlement.entity";
import { assertNoViolations, settlementViolations } from "../invariants/money-invariants";
import { SettlementRepository } from "./settlement.repository";
import { describeReversal, reversalsOf, wouldReversePaid } from "./reversals";
import type { CurrentSettlement, StoredBill, StoredYearPlan } from "./stored-year";
import { pendingTiers } from "./settlement.views";
import { lockHousehold } from "./household-lock";
import type { WrittenSettlement } from "./settlement-events";
import type { CharityAllocations } from "./charity-allocations";

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
  /** Called with the settlements each write stored, in its transaction (the settlement.recorded events). */
  readonly settlementsWritten: Array<(manager: EntityManager, written: readonly WrittenSettlement[]) => Promise<void>> = [];
  /** What the charity allocated to a household's year (the reversal guard); none until one is wired. */
  charityAllocations: CharityAllocations = { allocatedTo: async () => ZERO };

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly packs: RulePackService,
    /** People's certified records, through the beneficiary port (in-process or the registry's). */
    private readonly people: BeneficiaryLookup,
    private readonly audit: AuditService,
    private readonly billLimits: BillLimits = DEFAULT_BILL_LIMITS,
  ) {}

  /**
   * Settles a submitted claim, or returns its settlement when it is already settled. Given a
   * `transaction`, it runs inside it.
   */
  async settleClaim(principal: Principal, callerId: string, jurisdiction?: string | null, transaction?: EntityManager): Promise<SettlementEntity> {
    principal.requireRole(...RECORD_KEEPERS);
    const visible = await this.claims.findByCallerId(transaction ?? this.dataSource.manager, this.people.keysFor(principal, callerId, jurisdiction), callerId);
    if (!visible) throw notFound("claim", callerId);
    const claimId = visible.id;
    return this.transactions.joinOrRun(transaction, async (manager) => {
      await lockHousehold(manager, visible.beneficiaryId);
      const [current] = await this.repository.currentOfClaims(manager, [claimId]);
      if (current) return current;
      const claim = (await this.claims.findById(manager, claimId))!;
      const { settled, otherYears } = await this.settleYear(manager, claim, principal);
      for (const bill of [claim, ...otherYears]) for (const hook of this.afterSettlement) await hook(manager, bill);
      await this.audit.record(manager, principal.keyId, "claim.settle", "claim", claimId, { settlementId: settled.id, packId: settled.packId, packVersion: settled.packVersion });
      return settled;
    });
  }

  /**
   * The insurer's later report on a partial settlement (staged settlement, DESIGN.md): records the
   * amount on the claim and settles its year again through the same plan, so a new settlement
   * supersedes the partial one (differences as adjustments) and charity follows. Refused with
   * CONFLICT, changing nothing, when the tier is not pending on the claim's current settlement.
   */
  async reportTier(principal: Principal, callerId: string, tier: Tier, amount: Money, jurisdiction?: string | null): Promise<SettlementEntity> {
    principal.requireRole(...RECORD_KEEPERS);
    if (amount.isNegative()) throw new DomainError("INVALID_AMOUNT", "amount", "amount: 金额不能为负 / the amount cannot be negative");
    const visible = await this.claims.findByCallerId(this.dataSource.manager, this.people.keysFor(principal, callerId, jurisdiction), callerId);
    if (!visible) throw notFound("claim", callerId);
    return this.transactions.run(async (manager) => {
      await lockHousehold(manager, visible.beneficiaryId);
      const [current] = await this.repository.currentOfClaims(manager, [visible.id]);
      const lines = current ? await this.repository.tierAmountsOf(manager, [current.id]) : [];
      if (!pendingTiers(lines).includes(tier)) {
        throw new DomainError("CONFLICT", "tier", `tier: 费用 ${callerId} 的 ${tier} 不是待报送 / ${tier} is not pending on claim ${callerId}: only a partial settlement's pending tier can be reported`);
      }
      await manager.update(ClaimEntity, { id: visible.id }, { [REPORTED_COLUMNS[tier]!]: amount });
      const plan = await this.planStoredYear(manager, principal, visible.beneficiaryId, visible.year, { packs: "recorded" });
      const written = await this.writePlan(manager, plan, "REPORTED", `${tier} reported for ${partnerId(visible.id)} by ${principal.keyId}`, principal.keyId, nowIso());
      for (const bill of [visible, ...lastBillsOfOtherYears(plan, visible.year)]) for (const hook of this.afterSettlement) await hook(manager, bill);
      await this.audit.record(manager, principal.keyId, "claim.report", "claim", visible.id, { tier, amount: amount.toFixed(2), settlementId: written.get(visible.id)?.id ?? null });
      return written.get(visible.id) ?? (await this.repository.currentOfClaims(manager, [visible.id]))[0];
    });
  }

  /**
   * Settles `claim` within its beneficiary's year, as the engine's `planYear` plans it: after the
   * year's settled bills from the stored account (the usual case), or, when it is dated before some
   * of them, the year settled again in date order, superseding what changes.
   */
  private async settleYear(manager: EntityManager, claim: ClaimEntity, principal: Principal): Promise<{ settled: SettlementEntity; otherYears: ClaimEntity[] }> {
    const plan = await this.planStoredYear(manager, principal, claim.beneficiaryId, claim.year, { add: claim, packs: "recorded" });
    const written = await this.writePlan(manager, plan, "OUT_OF_ORDER", `earlier claim ${partnerId(claim.id)} (${claim.date}) arrived after it`, principal.keyId, nowIso());
    await manager.update(ClaimEntity, { id: claim.id }, { status: "SETTLED" });
    return { settled: written.get(claim.id)!, otherYears: lastBillsOfOtherYears(plan, claim.year) };
  }

  /**
   * Plans a household's stored year with `planYear`, writing nothing. Settled bills keep the pack
   * version they were settled under ("recorded") or take the one in force ("current"); a `draft`
   * settles the dates it covers (a preview). With `add`, a bill to settle now: when it comes after
   * every settled bill (one indexed query says so), only it is read and settled, from the stored
   * account; otherwise every bill of the year is read and the year settled again. A year linked
   * with others by an identification's medical year (聊城 四(一)) is planned with them, from their
   * start. The person's record comes from the beneficiary port, for `principal`, unless the caller
   * read it already (`beneficiary`: a preview reads its households' in one batch).
   */
  async planStoredYear(
    manager: EntityManager,
    principal: Principal,
    beneficiaryId: string,
    year: number,
    options: { add?: ClaimEntity; packs: "recorded" | "current"; draft?: CompiledPack; beneficiary?: Beneficiary },
  ): Promise<StoredYearPlan> {
    const beneficiary = options.beneficiary ?? (await this.people.byKey(principal, beneficiaryId, manager)).beneficiary;
    const years = linkedYears(options.draft ?? this.packs.packForYear(jurisdictionOf(beneficiaryId), year), beneficiary, year);
    const add = options.add;
    if (add && years.length === 1 && !(await this.repository.anyAfter(manager, beneficiaryId, year, add.date, add.sequence))) {
      const storedYearToDate = toYearToDate(beneficiaryId, year, await this.repository.yearToDate(manager, beneficiaryId, year));
      return planYear<StoredBill, CurrentSettlement>({ beneficiary, year, bills: [storedBill(add, null)], current: () => null, packFor: (bill) => this.packFor(bill.entity, null, options), storedYearToDate });
    }
    const bills: StoredBill[] = [];
    for (const linked of years) bills.push(...(await this.storedBills(manager, beneficiaryId, linked)));
    if (add) bills.push(storedBill(add, null));
    const recorded = await this.recordedPacks(bills, options.packs);
    return planYear({ beneficiary, year, bills, current: (bill) => bill.current, packFor: (bill, current) => this.packFor(bill.entity, current, options, recorded) });
  }

  /** The certified records of these households, in one batch through the beneficiary port. */
  recordsOf(principal: Principal, beneficiaryIds: readonly string[], transaction?: EntityManager): Promise<Map<string, BeneficiaryRecord>> {
    return this.people.source.records(beneficiaryIds, { principal, transaction });
  }

  /** The settled bills of a household's year with their current settlements' amounts. */
  private async storedBills(manager: EntityManager, beneficiaryId: string, year: number): Promise<StoredBill[]> {
    const currents = await this.repository.currentOfYear(manager, beneficiaryId, year);
    const claims = new Map((await this.claims.findByIds(manager, currents.map((s) => s.claimId))).map((c) => [c.id, c]));
    // Looked up by key, not searched per bill: a year of n bills costs O(n), not O(n²).
    const linesOf = groupBy(await this.repository.tierAmountsOf(manager, currents.map((s) => s.id)), (line) => line.settlementId);
    return currents.map((row) => {
      const stored = linesOf.get(row.id) ?? [];
      const lines = stored.map((line) => ({ tier: line.tier as Tier, amount: line.amount }));
      const pending = pendingTiers(stored);
      return storedBill(claims.get(row.claimId)!, { packId: row.packId, packVersion: row.packVersion, category: row.category, selfPay: row.selfPay, lines, pending, row });
    });
  }

  /** The pack versions the settled bills were settled under, when the plan keeps them. */
  private async recordedPacks(bills: readonly StoredBill[], packs: "recorded" | "current"): Promise<Map<string, CompiledPack>> {
    const recorded = new Map<string, CompiledPack>();
    if (packs !== "recorded") return recorded;
    for (const { current } of bills) {
      const key = current && `${current.packId}@${current.packVersion}`;
      if (key && !recorded.has(key)) recorded.set(key, await this.packs.version(current.packId, current.packVersion));
    }
    return recorded;
  }

  private packFor(claim: ClaimEntity, current: CurrentSettlement | null, options: { draft?: CompiledPack }, recorded?: Map<string, CompiledPack>): CompiledPack {
    if (options.draft && options.draft.covers(claim.date)) return options.draft;
    const kept = current && recorded?.get(`${current.packId}@${current.packVersion}`);
    return kept ?? this.packs.packFor(claim.jurisdiction, claim.date);
  }

  /**
   * Stores what a plan changed: a bill settled for the first time gets its settlement; a settled
   * bill whose amounts or version changed gets a new one superseding the old, with the differences
   * as adjustments; then the year's account. Returns the settlements written, by claim id.
   */
  private async writePlan(manager: EntityManager, plan: StoredYearPlan, cause: SettlementCause, causeText: string, actor: string, now: string): Promise<Map<string, SettlementEntity>> {
    const written = new Map<string, SettlementEntity>();
    const stored: WrittenSettlement[] = [];
    for (const step of plan.settlements) {
      if (!step.changed) continue;
      const claimId = step.bill.entity.id;
      if (!step.current) {
        const first = await this.writeSettlement(manager, step.settlement!, "INITIAL", null, now);
        written.set(claimId, first);
        stored.push({ entity: first, settlement: step.settlement!, claim: step.bill.entity });
        continue;
      }
      const replaced = step.current.row;
      const replacement = await this.writeSettlement(manager, step.settlement!, cause, replaced.id, now);
      written.set(claimId, replacement);
      stored.push({ entity: replacement, settlement: step.settlement!, claim: step.bill.entity });
      await manager.update(SettlementEntity, { id: replaced.id }, { status: "SUPERSEDED" });
      for (const adjustment of step.adjustments) {
        await manager.insert(AdjustmentEntity, { claimId, fromSettlementId: replaced.id, toSettlementId: replacement.id, ...adjustment, cause: causeText.slice(0, 120), createdAt: now });
      }
      await this.audit.record(manager, actor, "settlement.adjust", "claim", claimId, { from: replaced.id, to: replacement.id, cause: causeText });
    }
    for (const account of plan.accounts) await this.writeYearToDate(manager, account, now);
    for (const hook of this.settlementsWritten) await hook(manager, stored);
    return written;
  }

  /**
   * Settles again, in date order, every year of a beneficiary that a change of its certified record
   * can reach (a category or application with an earlier effective date, lookbacks included), under
   * the versions the claims were settled with. Differences become adjustments.
   */
  async replayAfterRecordChange(manager: EntityManager, principal: Principal, beneficiaryId: string, earliestChange: string, confirmReversal: boolean): Promise<void> {
    const actor = principal.keyId;
    // Settling the household meanwhile would plan from the record before the change.
    await lockHousehold(manager, beneficiaryId);
    // A lookback reaches at most 24 months before a certification (the schema's limit).
    const firstYear = Number(monthsBefore(earliestChange, 24).slice(0, 4));
    const years = [...new Set((await manager.find(SettlementEntity, { where: { beneficiaryId, status: "CURRENT" } })).map((s) => s.year))].filter((y) => y >= firstYear).sort();
    if (years.length === 0) return;
    const plans: StoredYearPlan[] = [];
    // The record as changed, read once for every year.
    const { beneficiary } = await this.people.byKey(principal, beneficiaryId, manager);
    const planned = new Set<number>();
    for (const year of years) {
      // A year linked with an earlier one was planned with it.
      if (planned.has(year)) continue;
      const plan = await this.planStoredYear(manager, principal, beneficiaryId, year, { packs: "recorded", beneficiary });
      for (const account of plan.accounts) planned.add(account.year);
      if (plan.settlements.some((step) => step.changed)) plans.push(plan);
    }
    await this.checkReversals(manager, beneficiaryId, plans, actor, confirmReversal);
    const now = nowIso();
    for (const plan of plans) {
      await this.writePlan(manager, plan, "RETROACTIVE", `category or application changed from ${earliestChange} by ${actor}`, actor, now);
      for (const bill of lastBillOfEachYear(plan)) for (const hook of this.afterSettlement) await hook(manager, bill);
    }
  }

  /** Refuses replays that take back money paid or allocated, unless confirmed; a confirmed one is recorded. */
  private async checkReversals(manager: EntityManager, beneficiaryId: string, plans: StoredYearPlan[], actor: string, confirmed: boolean): Promise<void> {
    const reversals = [];
    for (const plan of plans) reversals.push(...reversalsOf(plan, await this.charityAllocations.allocatedTo(beneficiaryId, plan.year)));
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
    const person = await this.people.visible(principal, callerId, jurisdiction, "beneficiaryId");
    const beneficiaryId = person.key;
    return this.transactions.run(async (manager) => {
      await this.resettleHousehold(manager, principal, beneficiaryId, year, `re-settled by ${principal.keyId} under the versions in force`);
      return this.repository.currentOfYear(manager, beneficiaryId, year);
    });
  }

  /**
   * Re-settles one household's year under the versions in force, in the caller's transaction: the
   * one re-settlement path, for `resettle` and for a jurisdiction's re-settlement job. Returns how
   * many settlements the year had and how many changed.
   */
  async resettleHousehold(manager: EntityManager, principal: Principal, beneficiaryId: string, year: number, cause: string): Promise<{ settlements: number; changed: number }> {
    await lockHousehold(manager, beneficiaryId);
    const plan = await this.planStoredYear(manager, principal, beneficiaryId, year, { packs: "current" });
    await this.writePlan(manager, plan, "RESETTLED", cause, principal.keyId, nowIso());
    for (const bill of lastBillOfEachYear(plan)) for (const hook of this.afterSettlement) await hook(manager, bill);
    const outcome = { settlements: plan.settlements.length, changed: plan.settlements.filter((s) => s.changed).length };
    await this.audit.record(manager, principal.keyId, "settlement.resettle", "beneficiary", beneficiaryId, { year, claims: outcome.settlements, changed: outcome.changed });
    return outcome;
  }

  private async writeSettlement(manager: EntityManager, settlement: Settlement, cause: SettlementCause, supersedesId: string | null, now: string): Promise<SettlementEntity> {
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
    assertNoViolations(settlementViolations({ id: entity.id, total: entity.total, selfPay: entity.selfPay, lines: settlement.lines }));
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
        accountYear: line.accountYear ?? null,
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
   * that a claim that could not be settled is refused before it is stored. The person's record is
   * the one the claim was submitted for. Only the refusal matters here: for a year linked with
   * another (an identification's medical year) the amounts are not those settling will give, and
   * they are not used.
   */
  async dryRun(manager: EntityManager, jurisdiction: string, claim: Claim, beneficiary: Beneficiary): Promise<Settlement> {
    const year = yearOf(claim.date);
    const storedYearToDate = toYearToDate(claim.beneficiaryId, year, await this.repository.yearToDate(manager, claim.beneficiaryId, year));
    const plan = planYear({ beneficiary, year, bills: [{ claim, arrival: 0 }], current: () => null, packFor: () => this.packs.packFor(jurisdiction, claim.date), storedYearToDate });
    return plan.settlements[0].settlement!;
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
      beneficiary = (await this.people.visible(principal, input.beneficiaryId, input.jurisdiction, "input.beneficiaryId")).beneficiary;
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
        // Years linked by an identification's medical year are quoted together, under their first.
        const year = linkedYears(this.packs.packForYear(input.jurisdiction, yearOf(claim.date)), beneficiary, yearOf(claim.date))[0];
        const ofYear = quotedByYear.get(year);
        if (ofYear) ofYear.push({ index, claim });
        else quotedByYear.set(year, [{ index, claim }]);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        results[index].error = error;
      }
    }
    for (const [year, quoted] of quotedByYear) {
      // A year is quoted in one plan, so a request costs time linear in its year's bills.
      await yieldToEventLoop();
      const stored = input.beneficiaryId ? await this.claims.countOfYear(manager, beneficiary.id, year) : 0;
      const within = this.refuseBeyondYearCap(quoted, stored, results);
      try {
        await this.quoteYear(manager, beneficiary, year, input.beneficiaryId ? "stored" : "new", within, packFor, results);
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
   * Quotes a year's claims with `planYear`, each as it stands once all of them are settled. Claims
   * after every settled bill of a stored household are planned from the stored account; otherwise
   * the settled bills are planned with them, in date order. A refused claim is left out of the year,
   * as submitting would refuse it; a refused settled bill makes the year unquotable.
   */
  private async quoteYear(manager: EntityManager, beneficiary: Beneficiary, year: number, household: "stored" | "new", quoted: QuotedClaim[], packFor: (date: string) => CompiledPack, results: SimulatedClaim[]): Promise<void> {
    type QuotedBill = YearBill & { index: number | null };
    const years = linkedYears(this.packs.packForYear(jurisdictionOf(beneficiary.id), year), beneficiary, year);
    const earliest = quoted.reduce((first, { claim }) => (claim.date < first ? claim.date : first), `${year}-12-31`);
    const appends = household === "new" || (years.length === 1 && !(await this.repository.anyAfter(manager, beneficiary.id, year, earliest, Number.MAX_SAFE_INTEGER)));
    const settled: QuotedBill[] = [];
    if (!appends) for (const linked of years) for (const bill of await this.storedBills(manager, beneficiary.id, linked)) settled.push({ claim: bill.claim, arrival: bill.arrival, index: null });
    const firstArrival = settled.reduce((last, bill) => Math.max(last, bill.arrival), 0) + 1;
    const bills: QuotedBill[] = [...settled, ...quoted.map(({ index, claim }, i) => ({ claim, arrival: firstArrival + i, index }))];
    const storedYearToDate = appends ? toYearToDate(beneficiary.id, year, household === "stored" ? await this.repository.yearToDate(manager, beneficiary.id, year) : []) : undefined;
    const plan = planYear({ beneficiary, year, bills, current: () => null, packFor: (bill) => packFor(bill.claim.date), storedYearToDate, skipRefused: true });
    for (const { bill, error } of plan.refused) {
      if (bill.index === null) throw error;
      results[bill.index].error = error;
    }
    for (const step of plan.settlements) if (step.bill.index !== null) results[step.bill.index].settlement = step.settlement;
  }

  /** Per tier: paid, cap left and deductible left for a beneficiary's year. */
  async annualSummary(principal: Principal, callerId: string, year: number, jurisdiction?: string | null): Promise<TierPosition[]> {
    const stored = await this.people.visible(principal, callerId, jurisdiction, "beneficiaryId");
    const beneficiaryId = stored.key;
    const manager = this.dataSource.manager;
    const ytd = toYearToDate(beneficiaryId, year, await this.repository.yearToDate(manager, beneficiaryId, year));
    const beneficiary = stored.beneficiary;
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

/** The last bill of each natural year a plan covers (hooks keep per-year records: entitlements, alerts). */
function lastBillOfEachYear(plan: StoredYearPlan): ClaimEntity[] {
  const last = new Map<number, ClaimEntity>();
  for (const step of plan.settlements) last.set(step.bill.entity.year, step.bill.entity);
  return [...last.values()];
}

/** The last bill of each year a plan covers besides `year`, where something changed (a linked year). */
function lastBillsOfOtherYears(plan: StoredYearPlan, year: number): ClaimEntity[] {
  const changed = new Set(plan.settlements.filter((step) => step.changed).map((step) => step.bill.entity.year));
  return lastBillOfEachYear(plan).filter((bill) => bill.year !== year && changed.has(bill.year));
}

/** The claim columns a later report fills (staged settlement: the tiers that can be pending). */
const REPORTED_COLUMNS: Partial<Record<Tier, keyof ClaimEntity>> = { commercial: "reportedCommercial" };

/** A stored bill: the claim as the engine reads it, arriving when it was submitted. */
function storedBill(entity: ClaimEntity, current: CurrentSettlement | null): StoredBill {
  return { claim: toEngineClaim(entity), arrival: entity.sequence, entity, current };
}
