/**
 * One truth for a household's year: the same generated bills, arriving in the same order (dates
 * shuffled, same-date bills, bills dated before ones already settled), settled by the three paths
 * that settle — the gateway over GraphQL, this plugin in library mode inside a real NocoBase app, and
 * the scenario runner's in-memory accounts — give every bill the same amounts, tier by tier.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { AnnualAccounts } from "../../../src/engine/annual-accounts";
import { readBeneficiary, readClaim } from "../../../src/engine/input";
import { loadPackDirectory } from "../../../src/engine/pack-loader";
import type { PackRegistry } from "../../../src/engine/pack-registry";
import { TIERS } from "../../../src/engine/vocabulary";
import { Random } from "../../../src/bench/prng";
import { formatAmount } from "../../../src/lib/money";
import { PAID_FIELD } from "../src/server/collections";
import { startGateway, type RunningGateway } from "./support/gateway";
import { REPOSITORY_DIR, ROOT_ACCOUNT, startNocoBase, type TestNocoBase } from "./support/nocobase";
import { caseValues, writtenBack, type Scenario, type ScenarioClaim } from "./support/scenarios";

/** Households whose packs have every figure: the bills need nothing but the basic (and critical) a partner reports. */
const SETTINGS = [
  { pack: "liaocheng", category: "DIBAO", reportsCritical: true },
  { pack: "liaocheng", category: "NEAR_DIBAO", reportsCritical: true },
  { pack: "weihai", category: "DIBAO", reportsCritical: false },
] as const;
const SEEDS = [11, 23, 37, 41, 59, 67, 71, 83, 97, 101, 113, 127];

let gateway: RunningGateway;
let partnerKey: string;
let nocobase: TestNocoBase;
let root: string;
let registry: PackRegistry;

before(async () => {
  gateway = await startGateway();
  partnerKey = await gateway.createKey("PARTNER", ["liaocheng", "weihai"], "three paths");
  nocobase = await startNocoBase({});
  root = await nocobase.signIn(ROOT_ACCOUNT.account, ROOT_ACCOUNT.password);
  registry = (await loadPackDirectory(path.join(REPOSITORY_DIR, "rules-json"))).registry;
});

after(async () => {
  await nocobase?.stop();
  await gateway?.stop();
});

/** An amount in fen as the decimal text a partner sends. */
const fen = (count: number) => `${Math.floor(count / 100)}.${String(count % 100).padStart(2, "0")}`;

/** A household's year: 3–7 bills on a few dates (some shared), listed in the order they arrive. */
function generatedYear(seed: number): Scenario {
  const random = new Random(seed);
  const setting = SETTINGS[seed % SETTINGS.length];
  const id = `TP-${seed}`;
  // Few dates, so that bills share them, and a superseded bill must keep its place among them.
  const dates = ["2023-02-10", "2023-04-01", "2023-04-01", "2023-06-15", "2023-06-15"];
  const count = random.int(4, 8);
  const claims: ScenarioClaim[] = [];
  for (let i = 0; i < count; i++) {
    const totalFen = random.int(200_000, 9_000_000);
    const basicFen = Math.floor(totalFen * (0.2 + 0.3 * random.next()));
    const reported: Record<string, string> = { basic: fen(basicFen) };
    if (setting.reportsCritical) reported.critical = "0.00";
    claims.push({ id: `${id}-${i}`, date: random.pick(dates), kind: "INPATIENT", fees: { total: fen(totalFen) }, reported });
  }
  return { file: `generated-${seed}`, name: `generated year ${seed}`, pack: setting.pack, beneficiary: { id, identities: [{ category: setting.category, from: "2023-01-01", to: null }] }, claims };
}

/** A settlement's amounts per tier and self-pay, as text. */
type Amounts = Record<string, string>;

async function throughGateway(year: Scenario): Promise<Amounts[]> {
  const ok = async (query: string, variables: Record<string, unknown>) => {
    const result = await gateway.graphql(partnerKey, query, variables);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data;
  };
  await ok(`mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`, { input: { id: year.beneficiary.id, jurisdiction: year.pack, name: year.beneficiary.id, identities: year.beneficiary.identities } });
  for (const claim of year.claims) {
    await ok(`mutation ($input: ClaimInput!) { submitClaim(input: $input) { id } }`, { input: { ...claim, beneficiaryId: year.beneficiary.id } });
    await ok(`mutation ($id: ID!) { settleClaim(id: $id) { id } }`, { id: claim.id });
  }
  const amounts: Amounts[] = [];
  for (const claim of year.claims) {
    const data = await ok(`query ($id: ID!) { claim(id: $id) { settlement { selfPay lines { tier amount } } } }`, { id: claim.id });
    const settlement = data.claim.settlement as { selfPay: string; lines: Array<{ tier: string; amount: string }> };
    amounts.push(Object.fromEntries([...settlement.lines.map((line) => [line.tier, line.amount]), ["selfPay", settlement.selfPay]]));
  }
  return amounts;
}

async function throughLibraryMode(year: Scenario): Promise<Amounts[]> {
  const caseIds: number[] = [];
  for (const claim of year.claims) {
    const created = await nocobase.api("POST", "medassistCases:create", { token: root, body: caseValues(year, claim, year.beneficiary.id) });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const settled = await nocobase.api("POST", "settlement:settle", { token: root, query: { filterByTk: created.body.data.id } });
    assert.equal(settled.status, 200, JSON.stringify(settled.body));
    caseIds.push(created.body.data.id);
  }
  const amounts: Amounts[] = [];
  for (const id of caseIds) {
    const record = (await nocobase.api("GET", "medassistCases:get", { token: root, query: { filterByTk: id } })).body.data as Record<string, unknown>;
    const written = writtenBack(record) as Record<string, string>;
    amounts.push(Object.fromEntries([...TIERS.map((tier) => [tier, written[PAID_FIELD[tier]]]), ["selfPay", written.selfPay]]));
  }
  return amounts;
}

function throughRunner(year: Scenario): Amounts[] {
  const accounts = new AnnualAccounts();
  const beneficiary = readBeneficiary(year.beneficiary);
  for (const raw of year.claims) {
    const claim = readClaim(raw, beneficiary.id);
    accounts.settle(registry.packFor(year.pack, claim.date), beneficiary, claim);
  }
  return year.claims.map((raw) => {
    const settlement = accounts.settlementOf(raw.id)!;
    return Object.fromEntries([...settlement.lines.map((line) => [line.tier, formatAmount(line.amount)]), ["selfPay", formatAmount(settlement.selfPay)]]);
  });
}

test("the gateway, library mode and the runner settle every generated bill alike, whatever the order of arrival", async () => {
  for (const seed of SEEDS) {
    const year = generatedYear(seed);
    const runner = throughRunner(year);
    assert.deepEqual(await throughGateway(year), runner, `gateway and runner differ on seed ${seed}: ${JSON.stringify(year.claims)}`);
    assert.deepEqual(await throughLibraryMode(year), runner, `library mode and runner differ on seed ${seed}: ${JSON.stringify(year.claims)}`);
  }
});
