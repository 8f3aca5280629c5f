/**
 * Issue 15 item 2: a batch of bills gives the same settlements as settling them one by one. Years of
 * generated households (src/bench/generator.ts) arrive in an order fast-check shuffles — bills
 * dated before settled ones included — and are settled one by one (submit, then settle) in one
 * database and as consecutive batches (in small transactions) in another; every bill's current settlement is
 * compared line by line, every refusal by code, and every year's account. SQLite and MariaDB.
 */
import fc from "fast-check";
import { openServices } from "../src/gateway/bootstrap";
import { createLogger } from "../src/lib/logger";
import { Principal } from "../src/access/principal";
import { DomainError } from "../src/lib/errors";
import { formatAmount } from "../src/lib/money";
import { loadPackDirectory } from "../src/engine/pack-loader";
import { projectPath } from "../src/lib/project";
import { generateClaims } from "../src/bench/generator";
import { BENCH_PARAMETERS } from "../src/bench/parameters";
import type { BenchClaim } from "../src/bench/selection";
import type { Services } from "../src/gateway/services";
import { SettlementEntity, SettlementLineEntity, YearToDateEntity } from "../src/settlement/settlement.entity";
import { ClaimEntity } from "../src/claim/claim.entity";
import { testDatabases, type TestDatabase } from "./support/databases";

const SYSTEM = Principal.system("batch-test");

/** A generated bill as a partner sends it, with ids of this run. */
function rawClaim({ pack, beneficiary, claim }: BenchClaim, run: string): Record<string, unknown> {
  const reported: Record<string, string> = {};
  for (const [tier, amount] of Object.entries(claim.reported)) if (amount) reported[tier] = formatAmount(amount);
  return {
    id: `${claim.id}-${run}`,
    beneficiaryId: `${beneficiary.id}-${run}`,
    jurisdiction: pack.id,
    date: claim.date,
    kind: claim.kind,
    referred: claim.referred,
    inProvince: claim.inProvince,
    guidanceFollowed: claim.guidanceFollowed,
    insuredType: claim.insuredType,
    fees: { total: formatAmount(claim.fees.total), outOfCatalog: formatAmount(claim.fees.outOfCatalog), classBSelfPay: formatAmount(claim.fees.classBSelfPay), overStandard: formatAmount(claim.fees.overStandard) },
    reported,
  };
}

async function recordPeople(services: Services, claims: readonly BenchClaim[], run: string): Promise<void> {
  const people = new Map(claims.map(({ pack, beneficiary }) => [beneficiary.id, { pack, beneficiary }]));
  for (const { pack, beneficiary } of people.values()) {
    // A category the pack does not know is refused when recorded: the household keeps the others.
    const identities = beneficiary.identities.filter((p) => pack.precedence.includes(p.category)).map((p) => ({ category: p.category, from: p.from, to: p.to }));
    await services.beneficiaries.upsert(SYSTEM, { id: `${beneficiary.id}-${run}`, jurisdiction: pack.id, name: beneficiary.id, identities, applications: beneficiary.applications.map((a) => ({ program: a.program, date: a.date })) });
  }
}

/** What a database holds of the bills: each one's current settlement with its lines, or that it has none. */
async function storedOutcome(services: Services, ids: readonly string[]): Promise<unknown[]> {
  const manager = services.dataSource.manager;
  const claims = await manager.find(ClaimEntity, {});
  const byPartnerId = new Map(claims.map((c) => [c.id.slice(c.id.indexOf(":") + 1), c]));
  const settlements = new Map((await manager.find(SettlementEntity, { where: { status: "CURRENT" } })).map((s) => [s.claimId, s]));
  const lines = await manager.find(SettlementLineEntity, { order: { position: "ASC" } });
  return ids.map((id) => {
    const claim = byPartnerId.get(id);
    const settlement = claim && settlements.get(claim.id);
    if (!settlement) return { id, settled: false };
    return {
      id,
      sequence: claim!.sequence,
      selfPay: formatAmount(settlement.selfPay),
      category: settlement.category,
      pack: `${settlement.packId}@${settlement.packVersion}`,
      // Not the figures: one by one, a settlement whose amounts a late earlier bill leaves unchanged
      // keeps the figures of when it was settled (nothing is rewritten that did not change).
      lines: lines.filter((l) => l.settlementId === settlement.id).map((l) => [l.tier, formatAmount(l.amount), l.ruleId, l.category, l.reason, l.provisional]),
    };
  });
}

async function accounts(services: Services): Promise<string[]> {
  const rows = await services.dataSource.manager.find(YearToDateEntity, { order: { beneficiaryId: "ASC", year: "ASC", tier: "ASC" } });
  return rows.map((r) => `${r.beneficiaryId} ${r.year} ${r.tier} ${formatAmount(r.base)} ${formatAmount(r.paid)}`);
}

describe.each(testDatabases().map((db) => [db.name, db] as const))("a batch settles as one by one on %s", (name, database: TestDatabase) => {
  const other: TestDatabase = testDatabases().find((db) => db.name === name)!;
  let oneByOne: Services;
  let batch: Services;
  let generated: BenchClaim[];
  beforeAll(async () => {
    oneByOne = await openServices(await database.create(), createLogger("silent"));
    batch = await openServices(await other.create(), createLogger("silent"));
    const { registry } = await loadPackDirectory(projectPath("rules-json"));
    const packs = registry.ids().map((id) => registry.versions(id)[0].withParameters(BENCH_PARAMETERS[id] ?? {}));
    generated = generateClaims(packs, 160, 15).claims;
  });
  afterAll(async () => {
    for (const services of [oneByOne, batch]) {
      services?.packs.stopWatching();
      await services?.charityEvents.stop();
      await services?.dataSource.destroy();
    }
    await database.drop();
    await other.drop();
  });

  it("the same settlements, refusals and accounts, bill by bill", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer(), { minLength: generated.length, maxLength: generated.length }), fc.integer({ min: 20, max: 60 }), async (order, batchSize) => {
        const tag = `r${++run}`;
        // Arrival order: shuffled across and within households, so that earlier bills arrive late.
        const arriving = generated.map((claim, i) => ({ claim, key: order[i] })).sort((a, b) => a.key - b.key).map(({ claim }) => rawClaim(claim, tag));
        await recordPeople(oneByOne, generated, tag);
        await recordPeople(batch, generated, tag);
        const refusedOneByOne = new Map<string, string>();
        for (const raw of arriving) {
          try {
            await oneByOne.claims.submit(SYSTEM, raw);
            await oneByOne.settlements.settleClaim(SYSTEM, String(raw.id), String(raw.jurisdiction));
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            refusedOneByOne.set(String(raw.id), error.code);
          }
        }
        // Several batches, so that a later batch brings bills dated before those an earlier one stored.
        const outcomes = [];
        for (let start = 0; start < arriving.length; start += batchSize) {
          const part = arriving.slice(start, start + batchSize);
          outcomes.push(...(await batch.settlements.settleBills(SYSTEM, part, { fieldOf: (i) => `input[${i}]`, listField: "input", billsPerTransaction: 25 })));
        }
        const refusedInBatch = new Map(outcomes.flatMap((o) => (o.error ? [[o.claimId, o.error.code] as const] : [])));
        expect(refusedInBatch).toEqual(refusedOneByOne);
        const ids = arriving.map((raw) => String(raw.id));
        expect(await storedOutcome(batch, ids)).toEqual(await storedOutcome(oneByOne, ids));
        expect(await accounts(batch)).toEqual(await accounts(oneByOne));
        // Something was settled, and not only refused.
        expect(outcomes.filter((o) => o.settlement).length).toBeGreaterThan(arriving.length / 2);
      }),
      { numRuns: 2, seed: 20261201, endOnFailure: true },
    );
  });
});
