/**
 * The plugin in library mode, inside a real NocoBase app: cases created through NocoBase's REST
 * API, settled by the plugin's actions with the engine in-process, and the written-back fields
 * checked against the shared scenarios.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { AnnualAccounts } from "../../../src/engine/annual-accounts";
import { readBeneficiary, readClaim } from "../../../src/engine/input";
import { loadPackDirectory } from "../../../src/engine/pack-loader";
import { formatAmount, money, ZERO } from "../../../src/lib/money";
import { REPOSITORY_DIR, ROOT_ACCOUNT, startNocoBase, testDatabases, type TestNocoBase } from "./support/nocobase";
import { caseValues, expectedWriteBack, packScenarios, settleSharedScenarios, sharedScenario, writtenBack } from "./support/scenarios";

const CASES = "medassistCases";

for (const database of testDatabases()) {
  describe(`library mode on ${database}`, () => {
    let nocobase: TestNocoBase;
    let root: string;

    before(async () => {
      nocobase = await startNocoBase({}, database);
      root = await nocobase.signIn(ROOT_ACCOUNT.account, ROOT_ACCOUNT.password);
    });

    after(async () => {
      await nocobase?.stop();
    });

    async function createCase(values: Record<string, unknown>, token = root, role?: string) {
      return nocobase.api("POST", `${CASES}:create`, { token, role, body: values });
    }

    async function getCase(id: number) {
      const response = await nocobase.api("GET", `${CASES}:get`, { token: root, query: { filterByTk: id } });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return response.body.data as Record<string, unknown>;
    }

    async function settleCase(id: number, token = root, role?: string) {
      return nocobase.api("POST", "settlement:settle", { token, role, query: { filterByTk: id } });
    }

    async function settlementCount(): Promise<number> {
      const response = await nocobase.api("GET", "medassistSettlements:list", { token: root, query: { pageSize: 1 } });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return response.body.meta.count as number;
    }

    test("anonymous callers are refused by NocoBase before the plugin is reached", async () => {
      const response = await nocobase.api("POST", "settlement:settle", { query: { filterByTk: 1 } });
      assert.equal(response.status, 401);
    });

    test("every shared scenario, filled in case by case, writes back what the scenario expects", async () => {
      await settleSharedScenarios(nocobase, root, "LIB");
    });

    test("every scenario file of the packs that a case can express writes back what it expects", async () => {
      const checked = await settleSharedScenarios(nocobase, root, "LIBPACK", packScenarios());
      assert.ok(checked > 300, `expected the packs' scenario claims, checked ${checked}`);
    });

    test("a form's categories and certification date settle like explicit category periods", async () => {
      const scenario = sharedScenario("liaocheng-dibao-two-claims.json");
      const [first, second] = scenario.claims;
      for (const claim of [first, second]) {
        const values = { ...caseValues(scenario, claim, "FORM-LC-002"), identities: null, categories: ["DIBAO"], categoriesSince: "2023-01-01" };
        const created = await createCase(values);
        assert.equal(created.status, 200, JSON.stringify(created.body));
        assert.equal((await settleCase(created.body.data.id)).status, 200);
        assert.deepEqual(writtenBack(await getCase(created.body.data.id)), expectedWriteBack(claim));
      }
    });

    test("amounts sent as JSON numbers, as NocoBase's number input may send them, settle like amounts sent as text", async () => {
      const scenario = sharedScenario("liaocheng-dibao-single.json");
      const claim = scenario.claims[0];
      const values = caseValues(scenario, claim, "NUMBERS-1");
      for (const field of ["feeTotal", "feeOutOfCatalog", "feeClassBSelfPay", "feeOverStandard", "reportedBasic", "reportedCritical"]) {
        if (typeof values[field] === "string") values[field] = Number(values[field]);
      }
      const created = await createCase(values);
      assert.equal(created.status, 200, JSON.stringify(created.body));
      assert.equal((await settleCase(created.body.data.id)).status, 200);
      assert.deepEqual(writtenBack(await getCase(created.body.data.id)), expectedWriteBack(claim));
      const tooFine = await createCase({ ...values, feeTotal: 100.005 });
      assert.deepEqual({ code: tooFine.body.errors?.[0]?.code, field: tooFine.body.errors?.[0]?.field }, { code: "INVALID_AMOUNT", field: "feeTotal" });
    });

    test("the household's statement adds up its settled cases, with the clause of every line", async () => {
      const scenario = sharedScenario("liaocheng-dibao-two-claims.json");
      const response = await nocobase.api("GET", "settlement:statement", { token: root, query: { beneficiaryId: "FORM-LC-002", year: 2023 } });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const statement = response.body.data;
      assert.equal(statement.source, "library");
      assert.equal(statement.claims.length, 2);
      const total = (tier: string) => statement.tierTotals.find((t: { tier: string }) => t.tier === tier).amount;
      assert.equal(total("assistance"), "30000.00", "21000.00 + 9000.00: the annual cap");
      assert.equal(total("reassistance"), "17500.00");
      assert.equal(statement.billTotal, "80000.00");
      assert.equal(statement.selfPayBeforeCharity, formatAmount(scenario.claims.reduce((sum, c) => sum.plus(money(c.expect!.selfPay)), ZERO)));
      assert.equal(statement.allocations, null, "charity allocations are kept by the gateway's ledger");
      const assistanceLine = statement.claims[0].lines.find((l: { tier: string }) => l.tier === "assistance");
      assert.match(assistanceLine.clause, /聊政办发〔2022〕5号/);
    });

    test("a bill dated before bills already settled settles the year again in date order, and the later case follows", async () => {
      const scenario = sharedScenario("liaocheng-dibao-two-claims.json");
      const [february, june] = scenario.claims;
      const juneCase = (await createCase(caseValues(scenario, june, "LATE-1"))).body.data.id;
      const februaryCase = (await createCase(caseValues(scenario, february, "LATE-1"))).body.data.id;
      await settleCase(juneCase);
      assert.equal(writtenBack(await getCase(juneCase)).paidAssistance, february.expect!.assistance, "settled alone, June's bill is the year's first");
      const quoted = await nocobase.api("POST", "settlement:quote", { token: root, query: { filterByTk: februaryCase } });
      assert.equal(quoted.body.data.settlement.selfPay, february.expect!.selfPay, "the quote settles the year in date order, as settling will");
      const settled = await settleCase(februaryCase);
      assert.equal(settled.status, 200, JSON.stringify(settled.body));
      assert.deepEqual(writtenBack(await getCase(februaryCase)), expectedWriteBack(february));
      assert.deepEqual(writtenBack(await getCase(juneCase)), expectedWriteBack(june), "June's case now shows what it gets after February's bill");
      const rows = (await nocobase.api("GET", "medassistSettlements:list", { token: root, query: { filter: JSON.stringify({ beneficiaryId: "LATE-1" }), sort: "sequence", pageSize: 50 } })).body.data;
      assert.deepEqual(rows.map((r: { caseId: unknown; cause: string; supersedesId: unknown }) => [Number(r.caseId), r.cause, r.supersedesId === null]), [
        [juneCase, "INITIAL", true],
        [februaryCase, "INITIAL", true],
        [juneCase, "OUT_OF_ORDER", false],
      ]);
      const statement = (await nocobase.api("GET", "settlement:statement", { token: root, query: { beneficiaryId: "LATE-1", year: 2023 } })).body.data;
      assert.deepEqual(statement.claims.map((c: { date: string }) => c.date), [february.date, june.date]);
      assert.equal(statement.tierTotals.find((t: { tier: string }) => t.tier === "assistance").amount, "30000.00");
    });

    test("settling a case again returns the same settlement and counts nothing twice", async () => {
      const scenario = sharedScenario("liaocheng-dibao-single.json");
      const created = await createCase(caseValues(scenario, scenario.claims[0], "AGAIN-1"));
      const first = await settleCase(created.body.data.id);
      const settledAt = (await getCase(created.body.data.id)).settledAt;
      const countAfterFirst = await settlementCount();
      const second = await settleCase(created.body.data.id);
      assert.equal(second.status, 200);
      assert.deepEqual(second.body.data.settlement, first.body.data.settlement);
      assert.equal(await settlementCount(), countAfterFirst);
      assert.equal((await getCase(created.body.data.id)).settledAt, settledAt);
    });

    test("a case changed after it was settled is refused with CONFLICT and keeps its settlement", async () => {
      const scenario = sharedScenario("liaocheng-dibao-single.json");
      const created = await createCase(caseValues(scenario, scenario.claims[0], "CHANGED-1"));
      await settleCase(created.body.data.id);
      const before = await getCase(created.body.data.id);
      const updated = await nocobase.api("POST", `${CASES}:update`, { token: root, query: { filterByTk: created.body.data.id }, body: { feeTotal: "30000.00" } });
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      const refused = await settleCase(created.body.data.id);
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.errors?.[0]?.code, "CONFLICT");
      const after = await getCase(created.body.data.id);
      assert.deepEqual(writtenBack(after), writtenBack(before));
    });

    test("a quote settles the form's values on top of the household's year and stores nothing", async () => {
      const scenario = sharedScenario("liaocheng-dibao-two-claims.json");
      const [first, second] = scenario.claims;
      const created = await createCase(caseValues(scenario, first, "QUOTE-1"));
      await settleCase(created.body.data.id);
      const count = await settlementCount();
      // An unsaved form: the second bill of the year, quoted before it is saved.
      const quoted = await nocobase.api("POST", "settlement:quote", { token: root, body: caseValues(scenario, second, "QUOTE-1") });
      assert.equal(quoted.status, 200, JSON.stringify(quoted.body));
      const amount = (tier: string) => quoted.body.data.settlement.lines.find((l: { tier: string }) => l.tier === tier).amount;
      assert.equal(amount("assistance"), second.expect!.assistance, "the quote counts what the year already paid");
      assert.equal(quoted.body.data.settlement.selfPay, second.expect!.selfPay);
      // In words a household can follow: the layer, the amount with separators, the category's name; no code words.
      assert.match(quoted.body.data.explanation, /医疗救助 9,000\.00 元：低保对象/);
      assert.doesNotMatch(quoted.body.data.explanation, /DIBAO|ratio=|deductibleLeft=|cumulativeBase/);
      assert.ok(quoted.body.data.settlement.lines.every((line: { sentence?: string }) => typeof line.sentence === "string" && line.sentence.length > 0), "each line carries its sentence");
      // A stored case with an unsaved change laid over it.
      const overlaid = await nocobase.api("POST", "settlement:quote", { token: root, query: { filterByTk: created.body.data.id }, body: { feeTotal: "40000.00" } });
      assert.equal(overlaid.status, 200, JSON.stringify(overlaid.body));
      assert.equal(await settlementCount(), count);
    });

    test("an amount that is not an amount is refused at the form with the code and the field, and nothing is saved", async () => {
      const scenario = sharedScenario("liaocheng-dibao-single.json");
      const before = await nocobase.api("GET", `${CASES}:list`, { token: root, query: { pageSize: 1 } });
      for (const [field, value] of [["feeTotal", "12.345"], ["reportedBasic", "-5.00"], ["feeOutOfCatalog", "壹佰"]]) {
        const refused = await createCase({ ...caseValues(scenario, scenario.claims[0], "BAD-1"), [field]: value });
        assert.equal(refused.status, 400, JSON.stringify(refused.body));
        assert.deepEqual({ code: refused.body.errors?.[0]?.code, field: refused.body.errors?.[0]?.field }, { code: "INVALID_AMOUNT", field });
      }
      const after = await nocobase.api("GET", `${CASES}:list`, { token: root, query: { pageSize: 1 } });
      assert.equal(after.body.meta.count, before.body.meta.count);
    });

    test("the engine's refusals reach the case worker with their code and the case field", async () => {
      const scenario = sharedScenario("liaocheng-dibao-single.json");
      const early = await createCase({ ...caseValues(scenario, scenario.claims[0], "EARLY-1"), claimDate: "2019-03-01" });
      const refused = await settleCase(early.body.data.id);
      assert.equal(refused.status, 400);
      assert.equal(refused.body.errors?.[0]?.code, "NO_PACK_IN_FORCE");
      assert.equal(refused.body.errors?.[0]?.field, "claimDate");
      assert.match(refused.body.errors![0].message, /2019-03-01/);
      const unknown = await nocobase.api("POST", "settlement:settle", { token: root, query: { filterByTk: 999999 } });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.errors?.[0]?.code, "NOT_FOUND");
    });

    test("permissions follow the case collection: viewers may quote, editors may settle", async () => {
      const role = async (name: string, actions: string[]) => {
        const created = await nocobase.api("POST", "roles:create", { token: root, body: { name, title: name, strategy: { actions } } });
        assert.equal(created.status, 200, JSON.stringify(created.body));
      };
      await role("caseviewer", ["view"]);
      await role("caseworker", ["view", "create", "update"]);
      const user = async (username: string, roleName: string) => {
        const created = await nocobase.api("POST", "users:create", { token: root, body: { username, password: `${username}-Passw0rd`, roles: [roleName] } });
        assert.equal(created.status, 200, JSON.stringify(created.body));
        return nocobase.signIn(username, `${username}-Passw0rd`);
      };
      const viewer = await user("viewer1", "caseviewer");
      const worker = await user("worker1", "caseworker");
      const scenario = sharedScenario("liaocheng-dibao-single.json");
      const created = await createCase(caseValues(scenario, scenario.claims[0], "ACL-1"), worker, "caseworker");
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const id = created.body.data.id;

      const refused = await settleCase(id, viewer, "caseviewer");
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
      assert.equal(refused.body.errors?.[0]?.code, "FORBIDDEN");
      assert.equal((await getCase(id)).settlementStatus, null);
      const quoted = await nocobase.api("POST", "settlement:quote", { token: viewer, role: "caseviewer", query: { filterByTk: id } });
      assert.equal(quoted.status, 200, JSON.stringify(quoted.body));

      const settled = await settleCase(id, worker, "caseworker");
      assert.equal(settled.status, 200, JSON.stringify(settled.body));
      assert.deepEqual(writtenBack(await getCase(id)), expectedWriteBack(scenario.claims[0]));
    });

    test("bills of one household settled at the same moment pay exactly what settling them one by one pays", async () => {
      const scenario = sharedScenario("liaocheng-dibao-two-claims.json");
      const bill = scenario.claims[0];
      // Built first: building every pack holds this process for seconds, long enough for the app's
      // idle keep-alive sockets to close under the client's feet between two requests.
      const { registry } = await loadPackDirectory(path.join(REPOSITORY_DIR, "rules-json"));
      const ids: number[] = [];
      for (let i = 0; i < 6; i++) ids.push((await createCase(caseValues(scenario, bill, "RACE-1"))).body.data.id);
      const responses = await Promise.all(ids.map((id) => settleCase(id)));
      for (const response of responses) assert.equal(response.status, 200, JSON.stringify(response.body));

      // The same six bills through the engine, one after another, in the order they were settled.
      const rows = (await nocobase.api("GET", "medassistSettlements:list", { token: root, query: { filter: JSON.stringify({ beneficiaryId: "RACE-1" }), sort: "sequence", pageSize: 50 } })).body.data;
      assert.deepEqual(rows.map((r: { sequence: number }) => r.sequence), [1, 2, 3, 4, 5, 6]);
      const accounts = new AnnualAccounts();
      const beneficiary = readBeneficiary({ ...scenario.beneficiary, id: "RACE-1" });
      for (const row of rows) {
        const claim = readClaim({ ...bill, id: row.claimId }, "RACE-1");
        const expected = accounts.settle(registry.packFor("liaocheng", claim.date), beneficiary, claim);
        const record = await getCase(Number(row.caseId));
        const written = writtenBack(record);
        assert.equal(written.paidAssistance, formatAmount(expected.lines.find((l) => l.tier === "assistance")!.amount), `case ${row.caseId} (sequence ${row.sequence})`);
        assert.equal(written.selfPay, formatAmount(expected.selfPay));
      }
      const assistance = rows.reduce((sum: typeof ZERO, r: { lines: Array<{ tier: string; amount: string }> }) => sum.plus(money(r.lines.find((l) => l.tier === "assistance")!.amount)), ZERO);
      assert.equal(formatAmount(assistance), "30000.00", "the year's assistance stops at the 30,000 cap");
    });
  });
}
