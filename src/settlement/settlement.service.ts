/**
 * Settling stored claims: one transaction per settlement, under the beneficiary's lock, reading
 * the year-to-date state, settling with the engine, and writing the settlement, its lines and the
 * new accumulators together. A claim dated before claims already settled in its year makes the
 * year be settled again in date order; changed settlements are superseded by new ones and the
 * differences recorded as adjustments.
 */
import { In, type DataSource, type EntityManager } from "typeorm";
import { DomainError, notFound, renameField } from "../lib/errors";
import { Money, ZERO } from "../lib/money";
import { nowIso, type TransactionRunner } from "../lib/db";
import { monthsBefore, yearOf } from "../lib/dates";
import { DEFAULT_BILL_LIMITS, type BillLimits } from "../lib/config";
import { yieldToEventLoop } from "../lib/event-loop";
import { groupBy, pages } from "../lib/collections";
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
import { jurisdictionOf, onlyOne, partnerId, scopedKey } from "../access/tenant-ids";
import type { RulePackService } from "../rules/rule-pack.service";
import type { BeneficiaryLookup } from "../beneficiary/beneficiary-lookup";
import type { BeneficiaryRecord } from "../beneficiary/beneficiary-source";
import { ClaimEntity } from "../claim/claim.entity";
import { ClaimRepository } from "../claim/claim.repository";
import { claimLimits, claimRow, fullYear, toEngineClaim, usedClaimId } from "../claim/claim.mapping";
import { AdjustmentEntity, SettlementEntity, SettlementLineEntity, type YearToDateEntity, type SettlementCause } from "./settlement.entity";
import { SettlementWrites } from "./settlement-writes";
import { upsertYearToDate } from "./settlement-rows";
import { insertRows } from "../lib/multi-row-insert";
import { SettlementRepository } from "./settlement.repository";
import { describeReversal, reversalsOf, wouldReversePaid } from "./reversals";
import { householdYearKey, type CurrentSettlement, type StoredBill, type StoredYearPlan } from "./stored-year";
import { pendingTiers } from "./settlement.views";
import { lockHousehold, lockHouseholds } from "./household-lock";
import { billRenames, readBills, refuseOversizedBatch, transactionsOfHouseholds, BILLS_PER_TRANSACTION, type BatchOptions, type BillOutcome, type ReadBill } from "./bill-batch";
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

/** A bill whose year was settled: its claim and the settlement written for it now (null: unchanged or not at hand). */
export interface SettledBill {
  claim: ClaimEntity;
  settlement: SettlementEntity | null;
}

/** Work that must happen in the same transaction as the settlements of a write (alerts, webhooks), given its bills in order. */
export type AfterSettlement = (manager: EntityManager, bills: readonly SettledBill[]) => Promise<void>;

/** What a batch's transaction read of its households, once for all of them. */
interface HouseholdsRead {
  existing: Map<string, ClaimEntity>;
  stats: Map<string, { bills: Map<number, number>; lastSequence: number }>;
  accounts: Map<string, YearToDateEntity[]>;
  lastDates: Map<string, string>;
}

/** Where a batch's transaction puts its answers. */
interface BatchAnswers {
  outcomes: BillOutcome[];
  settled: SettledBill[];
  /** Bills stored and settled before, by index: answered with their current settlement. */
  answered: Map<number, string>;
  /** Bills repeated in the batch, by index: answered as their first occurrence. */
  sameAs: Map<number, number>;
  /** The first bill of each claim id in this transaction, of whichever household: a second is the same bill or CONFLICT. */
  firstOfId: Map<string, ReadBill>;
}

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
      await this.runAfterSettlement(manager, [{ claim, settlement: settled }, ...otherYears.map((bill) => ({ claim: bill, settlement: null }))]);
      await this.audit.record(manager, principal.keyId, "claim.settle", "claim", claimId, { settlementId: settled.id, packId: settled.packId, packVersion: settled.packVersion });
      return settled;
    });
  }

  /**
   * Submits and settles bills (a partner's batch, or one bill): each answered in input order with
   * its settlement or its refusal — one refused bill refuses no other. Idempotent by claim id: a
   * bill stored with the same content answers with its stored settlement; other content under a
   * used id is CONFLICT. The same access decisions as one bill: a partner settles only bills of
   * its jurisdictions' households. Bills are grouped by household, each household's year planned
   * once with all its new bills, and written through the one writer in transactions of about
   * BILLS_PER_TRANSACTION bills.
   */
  async settleBills(principal: Principal, raws: readonly unknown[], options: BatchOptions): Promise<BillOutcome[]> {
    principal.requireRole(...RECORD_KEEPERS);
    refuseOversizedBatch(raws.length, options.listField);
    const { bills, outcomes } = readBills(principal, this.people, raws, options, claimLimits(this.billLimits));
    await this.resolveHouseholds(principal, bills, outcomes, options.transaction);
    let done = raws.length - bills.length;
    for (const chunk of transactionsOfHouseholds(bills.filter((bill) => bill.key !== null), options.billsPerTransaction ?? BILLS_PER_TRANSACTION)) {
      const chunkBills = [...chunk.values()].flat();
      try {
        let attempt = outcomes;
        await this.transactions.joinOrRun(options.transaction, (manager) => {
          // Each attempt answers on its own copy: one the door runs again (a conflict lost at
          // commit) must not find the answers of the attempt that was rolled back.
          attempt = outcomes.map((outcome) => ({ ...outcome }));
          return this.settleHouseholds(manager, principal, chunk, attempt);
        });
        for (const bill of chunkBills) outcomes[bill.index] = attempt[bill.index];
      } catch (error) {
        // Rolled back whole (e.g. the registry did not answer): each of its bills is refused with the cause.
        if (options.transaction || !(error instanceof DomainError)) throw error;
        for (const bill of chunkBills) outcomes[bill.index] = { ...outcomes[bill.index], settlement: null, lines: null, error };
      }
      done += chunkBills.length;
      options.onProgress?.(done);
      if (!options.transaction) await yieldToEventLoop();
    }
    return outcomes;
  }

  /** The household of each bill whose id could stand for several (a key of many jurisdictions, none named). */
  private async resolveHouseholds(principal: Principal, bills: ReadBill[], outcomes: BillOutcome[], transaction?: EntityManager): Promise<void> {
    const open = bills.filter((bill) => bill.key === null);
    if (open.length === 0) return;
    const records = new Map<string, BeneficiaryRecord>();
    for (const page of pages([...new Set(open.flatMap((bill) => bill.keys))], 500)) for (const [key, record] of await this.people.source.records(page, { principal, transaction })) records.set(key, record);
    for (const bill of open) {
      try {
        const record = onlyOne(bill.keys.flatMap((key) => records.get(key) ?? []), "beneficiary", bill.callerBeneficiaryId, `${bill.field}.jurisdiction`);
        if (!record) throw notFound("beneficiary", bill.callerBeneficiaryId, `${bill.field}.beneficiaryId`);
        bill.key = record.key;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcomes[bill.index].error = error;
      }
    }
  }

  /** One transaction of a batch: its households locked, read, planned, and written together. */
  private async settleHouseholds(manager: EntityManager, principal: Principal, households: Map<string, ReadBill[]>, outcomes: BillOutcome[]): Promise<void> {
    const records = await this.people.source.records([...households.keys()], { principal, transaction: manager });
    const live: Array<{ key: string; bills: ReadBill[]; record: BeneficiaryRecord }> = [];
    for (const [key, bills] of households) {
      const record = records.get(key);
      if (record) live.push({ key, bills, record });
      else for (const bill of bills) outcomes[bill.index].error = notFound("beneficiary", bill.callerBeneficiaryId, `${bill.field}.beneficiaryId`);
    }
    const keys = live.map((household) => household.key);
    await lockHouseholds(manager, keys);
    const claimIds = live.flatMap(({ bills, record }) => bills.map((bill) => scopedKey(record.jurisdiction, bill.asSent.id)));
    const existing = new Map<string, ClaimEntity>();
    for (const page of pages(claimIds, 500)) for (const claim of await this.claims.findByIds(manager, page)) existing.set(claim.id, claim);
    const read: HouseholdsRead = {
      existing,
      stats: await this.claims.yearStats(manager, keys),
      accounts: groupBy(await this.repository.yearToDateOf(manager, keys), (row) => householdYearKey(row.beneficiaryId, row.year)),
      lastDates: await this.repository.lastSettledDates(manager, keys),
    };
    const writes = new SettlementWrites(nowIso());
    const settled: SettledBill[] = [];
    const answered = new Map<number, string>();
    const sameAs = new Map<number, number>();
    const answers: BatchAnswers = { outcomes, settled, answered, sameAs, firstOfId: new Map() };
    for (const household of live) await this.planHousehold(manager, principal, household, read, writes, answers);
    await this.flush(manager, writes);
    await this.runAfterSettlement(manager, settled);
    for (const { claim, settlement } of settled) {
      const index = writes.indexOf.get(claim.id);
      if (index !== undefined && settlement) outcomes[index] = { ...outcomes[index], settlement, lines: writes.linesOf.get(settlement.id) ?? [] };
    }
    const stored = await this.repository.currentOfClaims(manager, [...answered.values()]);
    const storedLines = groupBy(await this.repository.linesOf(manager, stored.map((s) => s.id)), (line) => line.settlementId);
    const byClaim = new Map(stored.map((s) => [s.claimId, s]));
    for (const [index, claimId] of answered) {
      const settlement = byClaim.get(claimId) ?? null;
      outcomes[index] = { ...outcomes[index], settlement, lines: settlement ? (storedLines.get(settlement.id) ?? []) : null };
    }
    for (const [index, first] of sameAs) outcomes[index] = { ...outcomes[first], claimId: outcomes[index].claimId };
  }

  /**
   * A household's bills of a batch: refusals of used ids and full years, then each year planned once
   * with its new bills — from the stored account when they all come after its settled bills, else
   * the year settled again in date order — and gathered for the writer.
   */
  private async planHousehold(manager: EntityManager, principal: Principal, household: { key: string; bills: ReadBill[]; record: BeneficiaryRecord }, read: HouseholdsRead, writes: SettlementWrites, answers: BatchAnswers): Promise<void> {
    const { key, bills, record } = household;
    const { outcomes } = answers;
    const stats = read.stats.get(key)!;
    let sequence = stats.lastSequence;
    const first = answers.firstOfId;
    const toSettle = new Map<number, Array<{ bill: ReadBill; entity: ClaimEntity; isNew: boolean }>>();
    for (const bill of bills) {
      const claim: Claim = { ...bill.asSent, id: scopedKey(record.jurisdiction, bill.asSent.id), beneficiaryId: key };
      const stored = read.existing.get(claim.id) ?? null;
      const earlier = first.get(claim.id);
      const fingerprint = stored?.fingerprint ?? earlier?.fingerprint;
      if (fingerprint !== undefined && fingerprint !== bill.fingerprint) {
        outcomes[bill.index].error = usedClaimId(`${bill.field}.id`, bill.asSent.id);
        continue;
      }
      if (earlier) {
        answers.sameAs.set(bill.index, earlier.index);
        continue;
      }
      first.set(claim.id, bill);
      if (stored?.status === "SETTLED") {
        answers.answered.set(bill.index, claim.id);
        continue;
      }
      let entity = stored;
      if (!entity) {
        const year = yearOf(claim.date);
        const count = stats.bills.get(year) ?? 0;
        if (count >= this.billLimits.maxBillsPerYear) {
          outcomes[bill.index].error = fullYear(`${bill.field}.date`, bill.callerBeneficiaryId, year, count);
          continue;
        }
        stats.bills.set(year, count + 1);
        entity = claimRow(claim, { jurisdiction: record.jurisdiction, fingerprint: bill.fingerprint, status: "SETTLED", sequence: ++sequence, submittedBy: principal.keyId, submittedAt: writes.now });
      }
      // Years linked by an identification's medical year are planned together, under their first.
      const planned = linkedYears(this.packs.packForYear(record.jurisdiction, entity.year), record.beneficiary, entity.year)[0];
      const group = toSettle.get(planned) ?? [];
      group.push({ bill, entity, isNew: !stored });
      toSettle.set(planned, group);
    }
    for (const [year, group] of toSettle) await this.planBatchYear(manager, principal, household, year, group, read, writes, answers);
  }

  private async planBatchYear(
    manager: EntityManager,
    principal: Principal,
    { key, record }: { key: string; record: BeneficiaryRecord },
    year: number,
    group: Array<{ bill: ReadBill; entity: ClaimEntity; isNew: boolean }>,
    read: HouseholdsRead,
    writes: SettlementWrites,
    { outcomes, settled }: BatchAnswers,
  ): Promise<void> {
    const refuse = (bill: ReadBill, error: DomainError) => (outcomes[bill.index].error = renameField(error, billRenames(bill.field)));
    const years = linkedYears(this.packs.packForYear(record.jurisdiction, year), record.beneficiary, year);
    const lastDate = read.lastDates.get(householdYearKey(key, year));
    const appends = years.length === 1 && group.every(({ entity, isNew }) => isNew && (lastDate === undefined || entity.date >= lastDate));
    const adding = group.map(({ entity }) => storedBill(entity, null));
    let plan: StoredYearPlan;
    try {
      if (appends) {
        const storedYearToDate = toYearToDate(key, year, read.accounts.get(householdYearKey(key, year)) ?? []);
        plan = planYear<StoredBill, CurrentSettlement>({ beneficiary: record.beneficiary, year, bills: adding, current: () => null, packFor: (bill) => this.packFor(bill.entity, null, {}), storedYearToDate, skipRefused: true });
      } else {
        const stored: StoredBill[] = [];
        for (const linked of years) stored.push(...(await this.storedBills(manager, key, linked)));
        const recorded = await this.recordedPacks(stored, "recorded");
        plan = planYear({ beneficiary: record.beneficiary, year, bills: [...stored, ...adding], current: (bill) => bill.current, packFor: (bill, current) => this.packFor(bill.entity, current, {}, recorded), skipRefused: true });
      }
      // A settled bill the year can no longer settle makes the year unsettleable, as for one bill.
      const storedRefusal = plan.refused.find(({ bill }) => bill.current !== null);
      if (storedRefusal) throw storedRefusal.error;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      for (const { bill } of group) refuse(bill, error);
      return;
    }
    const refused = new Map(plan.refused.map(({ bill, error }) => [bill.entity.id, error]));
    const accepted = group.filter(({ entity, bill }) => {
      const error = refused.get(entity.id);
      if (error) refuse(bill, error);
      return !error;
    });
    if (accepted.length === 0) return;
    const earliest = accepted.reduce((a, b) => (b.entity.date < a.entity.date ? b : a)).entity;
    writes.addPlan(plan, { cause: "OUT_OF_ORDER", text: `earlier claim ${partnerId(earliest.id)} (${earliest.date}) arrived after it`, actor: principal.keyId }, this.fullRecord(principal, record));
    for (const { bill, entity, isNew } of accepted) {
      const settlement = writes.byClaim.get(entity.id)!;
      if (isNew) {
        writes.claims.push(entity);
        writes.audit.push({ actor: principal.keyId, action: "claim.submit", subjectType: "claim", subjectId: entity.id, detail: { beneficiaryId: key, date: entity.date, total: entity.total.toFixed(2) } });
      } else writes.settledClaimIds.push(entity.id);
      writes.audit.push({ actor: principal.keyId, action: "claim.settle", subjectType: "claim", subjectId: entity.id, detail: { settlementId: settlement.id, packId: settlement.packId, packVersion: settlement.packVersion } });
      writes.indexOf.set(entity.id, bill.index);
      settled.push({ claim: entity, settlement });
    }
    for (const other of lastBillsOfOtherYears(plan, year)) settled.push({ claim: other, settlement: null });
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
      await this.runAfterSettlement(manager, [{ claim: visible, settlement: written.get(visible.id) ?? null }, ...lastBillsOfOtherYears(plan, visible.year).map((bill) => ({ claim: bill, settlement: null }))]);
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
    const record = await this.people.byKey(principal, claim.beneficiaryId, manager);
    const plan = await this.planStoredYear(manager, principal, claim.beneficiaryId, claim.year, { add: claim, packs: "recorded", beneficiary: record.beneficiary });
    const writes = new SettlementWrites(nowIso());
    writes.addPlan(plan, { cause: "OUT_OF_ORDER", text: `earlier claim ${partnerId(claim.id)} (${claim.date}) arrived after it`, actor: principal.keyId }, this.fullRecord(principal, record));
    writes.settledClaimIds.push(claim.id);
    await this.flush(manager, writes);
    return { settled: writes.byClaim.get(claim.id)!, otherYears: lastBillsOfOtherYears(plan, claim.year) };
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
    const writes = new SettlementWrites(now);
    writes.addPlan(plan, { cause, text: causeText, actor }, null);
    await this.flush(manager, writes);
    return writes.byClaim;
  }

  /**
   * The one writer of settlements: stores what `writes` gathered — new claims, settlements and
   * their lines, superseded ones with their adjustments, the years' accounts, the audit entries —
   * in multi-row statements, then the events of the settlements written. One bill or ten thousand
   * cost the same statements; only the rows differ.
   */
  async flush(manager: EntityManager, writes: SettlementWrites): Promise<void> {
    await insertRows(manager, ClaimEntity, writes.claims, 200);
    if (writes.settledClaimIds.length > 0) await manager.createQueryBuilder().update(ClaimEntity).set({ status: "SETTLED" }).where({ id: In(writes.settledClaimIds) }).updateEntity(false).execute();
    await insertRows(manager, SettlementEntity, writes.settlements, 300);
    await insertRows(manager, SettlementLineEntity, writes.lines, 250);
    for (const page of pages(writes.superseded, 500)) await manager.createQueryBuilder().update(SettlementEntity).set({ status: "SUPERSEDED" }).where({ id: In(page) }).updateEntity(false).execute();
    await insertRows(manager, AdjustmentEntity, writes.adjustments, 400);
    await upsertYearToDate(manager, [...writes.accounts.values()], writes.now);
    await this.audit.recordMany(manager, writes.audit);
    for (const hook of this.settlementsWritten) await hook(manager, writes.written);
  }

  /** The hooks of a write's settled bills (alerts, webhooks, metrics), in its transaction. */
  private async runAfterSettlement(manager: EntityManager, bills: readonly SettledBill[]): Promise<void> {
    if (bills.length === 0) return;
    for (const hook of this.afterSettlement) await hook(manager, bills);
  }

  /** The record settling read, when it shows the person in full (events reuse it); else null. */
  private fullRecord(principal: Principal, record: BeneficiaryRecord): BeneficiaryRecord | null {
    return this.people.source.showsInFull || principal.role === "ADMIN" ? record : null;
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
      await this.runAfterSettlement(manager, lastBillOfEachYear(plan).map((bill) => ({ claim: bill, settlement: null })));
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
    await this.runAfterSettlement(manager, lastBillOfEachYear(plan).map((bill) => ({ claim: bill, settlement: null })));
    const outcome = { settlements: plan.settlements.length, changed: plan.settlements.filter((s) => s.changed).length };
    await this.audit.record(manager, principal.keyId, "settlement.resettle", "beneficiary", beneficiaryId, { year, claims: outcome.settlements, changed: outcome.changed });
    return outcome;
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
