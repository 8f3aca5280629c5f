/**
 * Rule governance end to end, on SQLite and (with TEST_MYSQL_URL) MariaDB: an administrator
 * publishes a 聊城 pack with the 低保 assistance ratio changed from 70% to 75%, previews the
 * differences on stored claims, activates it; a second gateway process on the same database settles
 * new claims under it within 5 seconds; a rollback restores the old figures; other keys are refused.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ChildProcess } from "node:child_process";
import { projectPath } from "../src/lib/project";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";
import { distScript, startUntil, stop } from "./support/processes";

const DESIGN = projectPath("test", "scenarios", "design");
const LIAOCHENG_DESIGN = ["bad-input-amounts.json", "liaocheng-dibao-single.json", "liaocheng-dibao-two-claims.json", "liaocheng-near-dibao-caps.json", "liaocheng-precedence.json"];

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** The 聊城 pack as version 2, with the 低保 assistance ratio at 75%. */
function liaochengV2(): any {
  const document = readJson(projectPath("rules-json", "liaocheng.json"));
  document.version = 2;
  document.parameters.assistanceDibaoRatio.value = "0.75";
  return document;
}

/**
 * The design scenarios whose figures change at 75%, with the new expectations worked out by hand:
 * one bill with a 20,000 burden: 75% = 15,000; 5,000 left is not above the 5,000 re-assistance
 * threshold. Two bills of 30,000 burden: 22,500 then the cap's remaining 7,500; re-assistance on
 * 7,500 and then on a cumulative 30,000: 1,750 then 15,750.
 */
function replacementsAt75(): any[] {
  const single = readJson(path.join(DESIGN, "liaocheng-dibao-single.json"));
  single.claims[0].expect = { assistance: "15000.00", selfPay: "5000.00" };
  const precedence = readJson(path.join(DESIGN, "liaocheng-precedence.json"));
  precedence.claims[0].expect = { assistance: "15000.00", selfPay: "5000.00" };
  const bad = readJson(path.join(DESIGN, "bad-input-amounts.json"));
  bad.claims[2].expect = { assistance: "15000.00", selfPay: "5000.00" };
  const two = readJson(path.join(DESIGN, "liaocheng-dibao-two-claims.json"));
  two.claims[0].expect = { assistance: "22500.00", reassistance: "1750.00", selfPay: "5750.00" };
  two.claims[1].expect = { assistance: "7500.00", reassistance: "15750.00", selfPay: "6750.00" };
  return [single, precedence, bad, two];
}

const UPSERT = `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`;
const SUBMIT = `mutation ($input: ClaimInput!) { submitClaim(input: $input) { id } }`;
const SETTLE = `mutation ($id: ID!) { settleClaim(id: $id) { packVersion lines { tier amount } selfPay } }`;

function bill(id: string, beneficiaryId: string, date: string, total: string, basic: string) {
  return { id, beneficiaryId, date, kind: "INPATIENT", fees: { total }, reported: { basic, critical: "0.00" } };
}

describe.each(testDatabases().map((db) => [db.name, db] as const))("rule governance on %s", (_name, database) => {
  let t: TestGateway;
  let scenariosDir: string;
  let second: ChildProcess | null = null;
  let secondUrl = "";

  beforeAll(async () => {
    scenariosDir = fs.mkdtempSync(path.join(os.tmpdir(), "medassist-scenarios-"));
    for (const file of LIAOCHENG_DESIGN) fs.copyFileSync(path.join(DESIGN, file), path.join(scenariosDir, file));
    t = await startTestGateway(database, { scenariosDir });
    await gql(t.url, t.keys.admin, UPSERT, { input: { id: "GOV-1", jurisdiction: "liaocheng", name: "甲", identities: [{ category: "DIBAO", from: "2023-01-01" }] } });
    await gql(t.url, t.keys.admin, UPSERT, { input: { id: "GOV-2", jurisdiction: "liaocheng", name: "乙", identities: [{ category: "NEAR_DIBAO", from: "2023-01-01" }] } });
    for (const [id, who, total, basic] of [["GOV-1-1", "GOV-1", "26000.00", "6000.00"], ["GOV-2-1", "GOV-2", "26000.00", "6000.00"]]) {
      await gql(t.url, t.keys.admin, SUBMIT, { input: bill(id, who, "2023-03-10", total, basic) });
      await gql(t.url, t.keys.admin, SETTLE, { id });
    }
    const started = await startUntil(distScript("start"), [], { DATABASE_URL: t.databaseUrl, PORT: "0", LOG_LEVEL: "warn", PACK_REFRESH_SECONDS: "1", SCENARIOS_DIR: scenariosDir }, /Gateway: (http:\/\/\S+?)\/ /);
    second = started.child;
    secondUrl = /Gateway: (http:\/\/\S+?)\/ /.exec(started.output())![1];
  }, 120_000);

  afterAll(async () => {
    if (second) await stop(second);
    await t?.stop();
    fs.rmSync(scenariosDir, { recursive: true, force: true });
  });

  const PUBLISH = `mutation ($document: JSONObject!, $scenarios: [JSONObject!]) { publishRulePack(document: $document, scenarios: $scenarios) { pack { id version status hash } scenariosChecked scenariosReplaced } }`;

  it("refuses a version whose scenarios fail, listing them, and partner or charity keys altogether", async () => {
    const failing = await gql(t.url, t.keys.admin, PUBLISH, { document: liaochengV2() });
    expect(failing.errors?.[0].extensions?.code).toBe("INVALID_PACK");
    expect(failing.errors?.[0].extensions?.details.join("\n")).toMatch(/liaocheng-dibao-single\.json LC-001-1: assistance expected 14000\.00 got 15000\.00/);
    const broken = liaochengV2();
    broken.tiers.assistance.rules[0].event.params.ratio = { param: "noSuchRatio" };
    const invalid = await gql(t.url, t.keys.admin, PUBLISH, { document: broken });
    expect(invalid.errors?.[0].extensions?.details).toContain('tiers.assistance.rules[0].event.params.ratio: parameter "noSuchRatio" is not declared');
    for (const key of [t.keys.partner, t.keys.charity]) {
      const refused = await gql(t.url, key, PUBLISH, { document: liaochengV2(), scenarios: replacementsAt75() });
      expect(refused.errors?.[0].extensions?.code).toBe("FORBIDDEN");
      const activate = await gql(t.url, key, `mutation { activateRulePack(id: "liaocheng", version: 1) { id } }`);
      expect(activate.errors?.[0].extensions?.code).toBe("FORBIDDEN");
      const rollback = await gql(t.url, key, `mutation { rollbackRulePack(id: "liaocheng") { id } }`);
      expect(rollback.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    }
  });

  it("publishes the 75% version as a draft with the new expectations attached", async () => {
    const published = await gql(t.url, t.keys.admin, PUBLISH, { document: liaochengV2(), scenarios: replacementsAt75() });
    expect(published.errors).toBeUndefined();
    expect(published.data!.publishRulePack.pack).toMatchObject({ id: "liaocheng", version: 2, status: "DRAFT" });
    expect(published.data!.publishRulePack.scenariosReplaced.sort()).toEqual(replacementsAt75().map((s) => s.name).sort());
    const again = await gql(t.url, t.keys.admin, PUBLISH, { document: liaochengV2(), scenarios: replacementsAt75() });
    expect(again.data!.publishRulePack.pack.hash).toBe(published.data!.publishRulePack.pack.hash);
    const changed = liaochengV2();
    changed.title = "another title";
    const conflict = await gql(t.url, t.keys.admin, PUBLISH, { document: changed, scenarios: replacementsAt75() });
    expect(conflict.errors?.[0].extensions?.code).toBe("CONFLICT");
  });

  it("previews the differences on stored claims without changing them", async () => {
    const preview = await gql(t.url, t.keys.admin, `{ previewRulePack(id: "liaocheng", version: 2) {
      householdsExamined settlementsExamined settlementsChanged tierChanges { tier before after difference }
      largest { beneficiaryId year selfPayChange tierChanges { tier difference } } refusals { code } } }`);
    expect(preview.errors).toBeUndefined();
    const result = preview.data!.previewRulePack;
    expect(result).toMatchObject({ householdsExamined: 2, settlementsExamined: 2, settlementsChanged: 1, refusals: [] });
    // GOV-1 (低保): assistance 14,000 → 15,000, re-assistance 700 → 0, self-pay 5,300 → 5,000.
    // GOV-2 (低保边缘) does not change: assistance 8,500, re-assistance 1,050, self-pay 10,450.
    expect(result.tierChanges).toEqual([
      { tier: "assistance", before: "22500.00", after: "23500.00", difference: "1000.00" },
      { tier: "reassistance", before: "1750.00", after: "1050.00", difference: "-700.00" },
      { tier: "selfPay", before: "15750.00", after: "15450.00", difference: "-300.00" },
    ]);
    expect(result.largest).toEqual([{ beneficiaryId: "GOV-1", year: 2023, selfPayChange: "-300.00", tierChanges: expect.any(Array) }]);
    const stored = await gql(t.url, t.keys.admin, `{ claim(id: "GOV-1-1") { settlement { packVersion } } }`);
    expect(stored.data!.claim.settlement.packVersion).toBe(1);
  });

  it("activates it atomically; the second process settles under it within 5 seconds; old settlements keep theirs", async () => {
    const activated = await gql(t.url, t.keys.admin, `mutation { activateRulePack(id: "liaocheng", version: 2) { version status } }`);
    expect(activated.data!.activateRulePack).toEqual({ version: 2, status: "ACTIVE" });
    const started = Date.now();
    let version = 1;
    let attempt = 0;
    while (version !== 2 && Date.now() - started < 5000) {
      attempt++;
      await gql(secondUrl, t.keys.admin, SUBMIT, { input: bill(`GOV-1-N${attempt}`, "GOV-1", "2023-09-01", "100.00", "10.00") });
      const settled = await gql(secondUrl, t.keys.admin, SETTLE, { id: `GOV-1-N${attempt}` });
      version = settled.data!.settleClaim.packVersion;
      if (version !== 2) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(version).toBe(2);
    expect(Date.now() - started).toBeLessThan(5000);
    const old = await gql(t.url, t.keys.admin, `{ claim(id: "GOV-1-1") { settlement { packVersion selfPay } } }`);
    expect(old.data!.claim.settlement).toEqual({ packVersion: 1, selfPay: "5300.00" });
    const packs = await gql(t.url, t.keys.admin, `{ rulePacks { id version status retiredBy } }`);
    expect(packs.data!.rulePacks.filter((p: { id: string }) => p.id === "liaocheng")).toEqual([
      { id: "liaocheng", version: 2, status: "ACTIVE", retiredBy: null },
      { id: "liaocheng", version: 1, status: "RETIRED", retiredBy: 2 },
    ]);
  }, 30_000);

  it("re-settles a stored year under the version in force, recording the differences", async () => {
    const resettled = await gql(t.url, t.keys.admin, `mutation { resettle(beneficiaryId: "GOV-1", year: 2023) { claimId packVersion cause } }`);
    expect(resettled.errors).toBeUndefined();
    expect(resettled.data!.resettle.find((s: { claimId: string }) => s.claimId === "GOV-1-1")).toEqual({ claimId: "GOV-1-1", packVersion: 2, cause: "RESETTLED" });
    const claim = await gql(t.url, t.keys.admin, `{ claim(id: "GOV-1-1") { settlement { selfPay } adjustments { tier difference } } }`);
    expect(claim.data!.claim.settlement.selfPay).toBe("5000.00");
    expect(claim.data!.claim.adjustments).toEqual(expect.arrayContaining([{ tier: "assistance", difference: "1000.00" }, { tier: "reassistance", difference: "-700.00" }]));
    const partner = await gql(t.url, t.keys.partner, `mutation { resettle(beneficiaryId: "GOV-1", year: 2023) { claimId } }`);
    expect(partner.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });

  it("rolls back to the previous version, which both processes use again", async () => {
    const rolled = await gql(t.url, t.keys.admin, `mutation { rollbackRulePack(id: "liaocheng") { version status } }`);
    expect(rolled.data!.rollbackRulePack).toEqual([{ version: 1, status: "ACTIVE" }]);
    const started = Date.now();
    let version = 2;
    let attempt = 0;
    while (version !== 1 && Date.now() - started < 5000) {
      attempt++;
      await gql(secondUrl, t.keys.admin, SUBMIT, { input: bill(`GOV-1-R${attempt}`, "GOV-1", "2023-10-01", "100.00", "10.00") });
      version = (await gql(secondUrl, t.keys.admin, SETTLE, { id: `GOV-1-R${attempt}` })).data!.settleClaim.packVersion;
      if (version !== 1) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(version).toBe(1);
    const fresh = await gql(t.url, t.keys.admin, UPSERT, { input: { id: "GOV-3", jurisdiction: "liaocheng", name: "丙", identities: [{ category: "DIBAO", from: "2023-01-01" }] } });
    expect(fresh.errors).toBeUndefined();
    await gql(t.url, t.keys.admin, SUBMIT, { input: bill("GOV-3-1", "GOV-3", "2023-03-10", "26000.00", "6000.00") });
    const settled = await gql(t.url, t.keys.admin, SETTLE, { id: "GOV-3-1" });
    expect(settled.data!.settleClaim).toMatchObject({ packVersion: 1, selfPay: "5300.00" });
    const nothingLeft = await gql(t.url, t.keys.admin, `mutation { rollbackRulePack(id: "liaocheng") { version } }`);
    expect(nothingLeft.errors?.[0].extensions?.code).toBe("CONFLICT");
  }, 30_000);

  it("keeps who published, previewed, activated and rolled back, in the audit log", async () => {
    const log = await gql(t.url, t.keys.admin, `{ auditLog(first: 100) { edges { node { action actor subjectId } } } }`);
    const actions = log.data!.auditLog.edges.map((e: { node: { action: string } }) => e.node.action);
    for (const action of ["rulepack.publish", "rulepack.preview", "rulepack.activate", "rulepack.rollback", "apikey.create", "settlement.resettle"]) expect(actions).toContain(action);
    const partner = await gql(t.url, t.keys.partner, `{ auditLog { edges { node { id } } } }`);
    expect(partner.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });
});
