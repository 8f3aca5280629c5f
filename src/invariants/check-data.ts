/**
 * Walks a whole database and checks every money invariant (src/invariants/money-invariants.ts),
 * page by page so that memory does not grow with the database: settlements with their lines,
 * superseded chains and adjustments by claim; year-to-date rows by household; entitlements against
 * the charity's own record of settled claims (and that record against settlements where one
 * database holds both); ledgers by fund. Each violation is reported as one line.
 *
 * Year-to-date `base` is not checked: it depends on the rules (what each tier counted towards its
 * deductible), so only replaying the year with the engine can derive it; `paid` is the sum of lines.
 */
import { In, IsNull, MoreThan, type DataSource, type EntityManager } from "typeorm";
import { groupBy } from "../lib/collections";
import { Money, ZERO, formatAmount, sumMoney } from "../lib/money";
import { TIERS } from "../engine/vocabulary";
import { BeneficiaryEntity } from "../beneficiary/beneficiary.entity";
import { SettlementEntity, YearToDateEntity, type AdjustmentEntity } from "../settlement/settlement.entity";
import { SettlementRepository } from "../settlement/settlement.repository";
import { CharityFundEntity, EntitlementEntity, LedgerEntryEntity } from "../charity/charity.entity";
import { CharityHouseholdEntity, CharitySettledClaimEntity } from "../charity/settled-claim.entity";
import { CHARITY_CONSUMER } from "../charity/settlement-intake";
import { OutboxPendingEntity } from "../outbox/outbox.entity";
import { OutboxBackfillEntity } from "../outbox/outbox-backfill.entity";
import {
  entitlementAllocatedViolations,
  entitlementAmountViolations,
  entitlementShapeViolations,
  fundBalanceViolations,
  ledgerChainViolations,
  netAllocated,
  settlementViolations,
} from "./money-invariants";

const PAGE = 200;

export interface CheckSummary {
  settlements: number;
  ledgerEntries: number;
  entitlements: number;
  violations: number;
}

type Report = (violation: string) => void;
type TierAmount = { settlementId: string; tier: string; amount: Money };

const settlementsRepository = new SettlementRepository();

/** Checks the whole database, reporting each violation; returns what was checked and found. */
export async function checkData(dataSource: DataSource, report: (line: string) => void): Promise<CheckSummary> {
  const summary: CheckSummary = { settlements: 0, ledgerEntries: 0, entitlements: 0, violations: 0 };
  const counted: Report = (line) => {
    summary.violations++;
    report(line);
  };
  const manager = dataSource.manager;
  await checkBackfills(manager, counted);
  summary.settlements = await checkClaims(manager, counted);
  await checkHouseholds(manager, counted);
  summary.entitlements = await checkCharityRecord(manager, counted);
  summary.ledgerEntries = await checkFunds(manager, counted);
  return summary;
}

/** The line `check-data` ends with. */
export function summaryLine(summary: CheckSummary): string {
  return `checked ${summary.settlements} settlements, ${summary.ledgerEntries} ledger entries, ${summary.entitlements} entitlements: ${summary.violations} violations`;
}

/** A backfill still open: a consumer's record misses the events written before it subscribed. */
async function checkBackfills(manager: EntityManager, report: Report): Promise<void> {
  for (const open of await manager.find(OutboxBackfillEntity, { where: { completedAt: IsNull() } })) {
    report(`outbox backfill for ${open.consumer}: the ${open.topic} events of what was stored before ${open.requestedAt} are not published yet (start the gateway once)`);
  }
}

/** Pages of claim ids that have settlements, in id order. */
async function claimIdPage(manager: EntityManager, after: string | null): Promise<string[]> {
  const builder = manager.createQueryBuilder(SettlementEntity, "s").select("DISTINCT s.claim_id", "claimId").orderBy("s.claim_id", "ASC").limit(PAGE);
  if (after !== null) builder.where("s.claim_id > :after", { after });
  return (await builder.getRawMany<{ claimId: string }>()).map((row) => row.claimId);
}

/** Settlements (lines, status), superseded chains and adjustments, claim by claim; returns how many settlements. */
async function checkClaims(manager: EntityManager, report: Report): Promise<number> {
  let checked = 0;
  for (let after: string | null = null; ; ) {
    const claimIds = await claimIdPage(manager, after);
    if (claimIds.length === 0) return checked;
    const settlements = await settlementsRepository.historyOfClaims(manager, claimIds);
    const lines = groupBy(await settlementsRepository.tierAmountsOf(manager, settlements.map((s) => s.id)), (l) => l.settlementId);
    const adjustments = groupBy(await settlementsRepository.adjustmentsOf(manager, claimIds), (a) => a.claimId);
    for (const settlement of settlements) settlementViolations({ ...settlement, lines: lines.get(settlement.id) ?? [] }).forEach(report);
    for (const [claimId, history] of groupBy(settlements, (s) => s.claimId)) {
      chainViolations(claimId, history).forEach(report);
      const byId = new Map(history.map((s) => [s.id, s]));
      for (const adjustment of adjustments.get(claimId) ?? []) adjustmentViolations(adjustment, byId, lines).forEach(report);
    }
    checked += settlements.length;
    after = claimIds[claimIds.length - 1];
  }
}

/** One CURRENT settlement per claim; each SUPERSEDED one has exactly one successor of the same claim; a CURRENT one none. */
function chainViolations(claimId: string, history: readonly SettlementEntity[]): string[] {
  const violations: string[] = [];
  const current = history.filter((s) => s.status === "CURRENT");
  if (current.length !== 1) violations.push(`claim ${claimId}: ${current.length} CURRENT settlements, expected 1`);
  const ids = new Set(history.map((s) => s.id));
  const successors = groupBy(
    history.filter((s) => s.supersedesId !== null),
    (s) => s.supersedesId!,
  );
  for (const s of history) {
    if (s.status !== "CURRENT" && s.status !== "SUPERSEDED") violations.push(`settlement ${s.id}: unknown status ${s.status}`);
    if (s.supersedesId !== null && !ids.has(s.supersedesId)) violations.push(`settlement ${s.id}: supersedes ${s.supersedesId}, not a settlement of claim ${claimId}`);
    const count = successors.get(s.id)?.length ?? 0;
    const expected = s.status === "SUPERSEDED" ? 1 : 0;
    if (count !== expected) violations.push(`settlement ${s.id} (${s.status}): ${count} successors, expected ${expected}`);
  }
  return violations;
}

/** The amount of one tier (or the self-pay) in a settlement, as an adjustment names it. */
function amountOf(settlement: SettlementEntity, lines: ReadonlyMap<string, TierAmount[]>, tier: string): Money {
  if (tier === "selfPay") return settlement.selfPay;
  return lines.get(settlement.id)?.find((l) => l.tier === tier)?.amount ?? ZERO;
}

/** An adjustment links a settlement to its successor and records the tier's amounts in both. */
function adjustmentViolations(adjustment: AdjustmentEntity, byId: ReadonlyMap<string, SettlementEntity>, lines: ReadonlyMap<string, TierAmount[]>): string[] {
  const at = `adjustment ${adjustment.id} of claim ${adjustment.claimId}`;
  const from = byId.get(adjustment.fromSettlementId);
  const to = byId.get(adjustment.toSettlementId);
  if (!from || !to) return [`${at}: links ${adjustment.fromSettlementId} → ${adjustment.toSettlementId}, not both settlements of the claim`];
  const violations: string[] = [];
  if (to.supersedesId !== from.id) violations.push(`${at}: ${to.id} does not supersede ${from.id}`);
  const before = amountOf(from, lines, adjustment.tier);
  const after = amountOf(to, lines, adjustment.tier);
  if (!adjustment.before.equals(before)) violations.push(`${at}: ${adjustment.tier} before ${formatAmount(adjustment.before)} ≠ ${formatAmount(before)} in ${from.id}`);
  if (!adjustment.after.equals(after)) violations.push(`${at}: ${adjustment.tier} after ${formatAmount(adjustment.after)} ≠ ${formatAmount(after)} in ${to.id}`);
  if (!adjustment.difference.equals(adjustment.after.minus(adjustment.before))) violations.push(`${at}: difference ${formatAmount(adjustment.difference)} ≠ after − before`);
  return violations;
}

/**
 * Year-to-date rows against the current settlements, household by household; and, where this
 * database holds the charity's record too (one process), that record against the settlements.
 */
async function checkHouseholds(manager: EntityManager, report: Report): Promise<void> {
  const crossCheck = (await manager.count(CharityHouseholdEntity)) > 0;
  for (let after = ""; ; ) {
    const households = await manager.find(BeneficiaryEntity, { select: { id: true }, where: { id: MoreThan(after) }, order: { id: "ASC" }, take: PAGE });
    if (households.length === 0) return;
    const ids = households.map((h) => h.id);
    const currents = await manager.find(SettlementEntity, { select: { id: true, beneficiaryId: true, year: true }, where: { beneficiaryId: In(ids), status: "CURRENT" } });
    const householdYearOf = new Map(currents.map((s) => [s.id, `${s.beneficiaryId}/${s.year}`]));
    const settlementOf = new Map(currents.map((s) => [s.id, s]));
    // A line counts in the year of the account it names (an identification's medical year), else its settlement's.
    const accountOf = (l: { settlementId: string; accountYear: number | null }) => {
      const settlement = settlementOf.get(l.settlementId)!;
      return `${settlement.beneficiaryId}/${l.accountYear ?? settlement.year}`;
    };
    const paid = groupBy(await settlementsRepository.tierAmountsOf(manager, currents.map((s) => s.id)), (l) => `${accountOf(l)}/${l.tier}`);
    const sumOf = (householdYear: string, tier: string) => sumMoney((paid.get(`${householdYear}/${tier}`) ?? []).map((l) => l.amount));
    const years = new Set(householdYearOf.values());
    yearToDateViolations(await manager.find(YearToDateEntity, { where: { beneficiaryId: In(ids) } }), years, sumOf).forEach(report);
    if (crossCheck) {
      const waiting = new Set((await manager.find(OutboxPendingEntity, { select: { aggregateId: true }, where: { consumer: CHARITY_CONSUMER, aggregateId: In(ids) } })).map((p) => p.aggregateId));
      const recorded = await manager.find(CharitySettledClaimEntity, { select: { settlementId: true, beneficiaryId: true }, where: { beneficiaryId: In(ids), status: "CURRENT" } });
      recordViolations(currents, recorded, waiting).forEach(report);
    }
    after = ids[ids.length - 1];
  }
}

/**
 * The charity's record agrees with the settlements it was told of: each household's current
 * settlements are the record's, unless the household's events are still on their way.
 */
function recordViolations(currents: ReadonlyArray<{ id: string; beneficiaryId: string }>, recorded: ReadonlyArray<{ settlementId: string; beneficiaryId: string }>, waiting: ReadonlySet<string>): string[] {
  const violations: string[] = [];
  const settledOf = groupBy(currents, (s) => s.beneficiaryId);
  const recordedOf = groupBy(recorded, (r) => r.beneficiaryId);
  for (const household of new Set([...settledOf.keys(), ...recordedOf.keys()])) {
    if (waiting.has(household)) continue;
    const settled = new Set((settledOf.get(household) ?? []).map((s) => s.id));
    const record = new Set((recordedOf.get(household) ?? []).map((r) => r.settlementId));
    const missing = [...settled].filter((id) => !record.has(id));
    const stale = [...record].filter((id) => !settled.has(id));
    if (missing.length || stale.length) violations.push(`charity record of ${household}: current settlements ${missing.join(",") || "(none)"} missing, ${stale.join(",") || "(none)"} not current, with no event pending`);
  }
  return violations;
}

/**
 * Entitlements against the charity's own record of settled claims (never settlements' tables: in
 * a charity process they are not there), household by household; the record's claims add up.
 * Returns how many entitlements.
 */
async function checkCharityRecord(manager: EntityManager, report: Report): Promise<number> {
  let checked = 0;
  for (let after = ""; ; ) {
    const households = await manager.find(CharityHouseholdEntity, { select: { beneficiaryId: true }, where: { beneficiaryId: MoreThan(after) }, order: { beneficiaryId: "ASC" }, take: PAGE });
    if (households.length === 0) return checked;
    const ids = households.map((h) => h.beneficiaryId);
    const settled = await manager.find(CharitySettledClaimEntity, { where: { beneficiaryId: In(ids), status: "CURRENT" } });
    for (const claim of settled) {
      const lines = (JSON.parse(claim.lines) as Array<{ tier: string; amount: string }>).map((l) => ({ tier: l.tier, amount: new Money(l.amount) }));
      settlementViolations({ id: `${claim.settlementId} (charity record)`, total: claim.total, selfPay: claim.selfPay, lines }).forEach(report);
      const charity = lines.find((l) => l.tier === "charity")?.amount ?? ZERO;
      if (!charity.equals(claim.charity)) report(`charity record ${claim.settlementId}: charity ${formatAmount(claim.charity)} ≠ its charity line ${formatAmount(charity)}`);
    }
    const charityOf = groupBy(
      settled.filter((c) => c.complete),
      (c) => `${c.beneficiaryId}/${c.year}`,
    );
    const sumOf = (householdYear: string) => sumMoney((charityOf.get(householdYear) ?? []).map((c) => c.charity));
    const entitlements = await manager.find(EntitlementEntity, { where: { beneficiaryId: In(ids) } });
    const entries = groupBy(entitlements.length ? await manager.find(LedgerEntryEntity, { select: { id: true, entitlementId: true, type: true, amount: true }, where: { entitlementId: In(entitlements.map((e) => e.id)) } }) : [], (e) => e.entitlementId);
    const entitled = new Set<string>();
    for (const entitlement of entitlements) {
      const householdYear = `${entitlement.beneficiaryId}/${entitlement.year}`;
      entitled.add(householdYear);
      [
        ...entitlementShapeViolations(entitlement),
        ...entitlementAmountViolations(entitlement, sumOf(householdYear)),
        ...entitlementAllocatedViolations(entitlement, netAllocated(entries.get(entitlement.id) ?? [])),
      ].forEach(report);
    }
    for (const householdYear of charityOf.keys()) {
      const charity = sumOf(householdYear);
      if (!entitled.has(householdYear) && !charity.isZero()) report(`entitlement ${householdYear}: missing, while the charity's record of its complete settlements gives ${formatAmount(charity)}`);
    }
    checked += entitlements.length;
    after = ids[ids.length - 1];
  }
}

/** Each stored `paid` is the sum of the current settlements' lines of its tier; a year with settlements has its rows. */
function yearToDateViolations(rows: readonly YearToDateEntity[], years: ReadonlySet<string>, sumOf: (householdYear: string, tier: string) => Money): string[] {
  const violations: string[] = [];
  const stored = groupBy(rows, (row) => `${row.beneficiaryId}/${row.year}`);
  for (const householdYear of new Set([...years, ...stored.keys()])) {
    const byTier = new Map((stored.get(householdYear) ?? []).map((row) => [row.tier, row.paid]));
    for (const tier of TIERS) {
      const expected = sumOf(householdYear, tier);
      const paid = byTier.get(tier);
      if (paid === undefined ? !expected.isZero() || years.has(householdYear) : !paid.equals(expected)) {
        violations.push(`year-to-date ${householdYear} ${tier}: paid ${paid === undefined ? "(no row)" : formatAmount(paid)} ≠ the current settlements' lines ${formatAmount(expected)}`);
      }
    }
  }
  return violations;
}

/** Each fund's ledger, entry by entry from zero, ending at the fund's balance; returns how many entries. */
async function checkFunds(manager: EntityManager, report: Report): Promise<number> {
  let checked = 0;
  for (let after = ""; ; ) {
    const funds = await manager.find(CharityFundEntity, { where: { id: MoreThan(after) }, order: { id: "ASC" }, take: PAGE });
    if (funds.length === 0) return checked;
    for (const fund of funds) {
      let balance: Money | null = null;
      for (let afterEntry = 0; ; ) {
        const entries = await manager.find(LedgerEntryEntity, { where: { fundId: fund.id, id: MoreThan(afterEntry) }, order: { id: "ASC" }, take: PAGE });
        if (entries.length === 0) break;
        const chain = ledgerChainViolations(balance ?? ZERO, entries);
        chain.violations.forEach(report);
        balance = chain.balanceAfter;
        checked += entries.length;
        afterEntry = entries[entries.length - 1].id;
      }
      fundBalanceViolations(fund, balance).forEach(report);
    }
    after = funds[funds.length - 1].id;
  }
}
