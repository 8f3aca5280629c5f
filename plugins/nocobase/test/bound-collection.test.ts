/**
 * The plugin bound to a case collection that the administrator made in NocoBase's collection
 * manager (`defineCollection: false`), instead of the one it defines: it refuses, naming what is
 * missing, until the collection has every field it reads and writes, and then settles cases in it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { caseCollection } from "../src/server/collections";
import { ROOT_ACCOUNT, startNocoBase, testDatabases, type TestNocoBase } from "./support/nocobase";
import { caseValues, expectedWriteBack, sharedScenario, writtenBack } from "./support/scenarios";

const COLLECTION = "welfareCases";

for (const database of testDatabases()) {
  describe(`a case collection made by the administrator, on ${database}`, () => {
    let nocobase: TestNocoBase;
    let root: string;

    before(async () => {
      nocobase = await startNocoBase({ collection: COLLECTION, defineCollection: false }, database);
      root = await nocobase.signIn(ROOT_ACCOUNT.account, ROOT_ACCOUNT.password);
    });

    after(async () => {
      await nocobase?.stop();
    });

    test("is checked for the fields the plugin needs, and then settles like the plugin's own", async () => {
      const refused = await nocobase.api("POST", "settlement:settle", { token: root, query: { filterByTk: 1 } });
      assert.equal(refused.status, 500);
      assert.equal(refused.body.errors?.[0]?.code, "CASE_COLLECTION_INVALID");
      assert.match(refused.body.errors![0].message, /welfareCases .*does not exist/);

      // The administrator builds the collection in the collection manager, forgetting one field.
      const fields = (caseCollection(COLLECTION, [{ id: "liaocheng", name: "聊城市" }]).fields as Array<Record<string, unknown>>);
      const made = await nocobase.api("POST", "collections:create", { token: root, body: { name: COLLECTION, title: "救助案件", fields: fields.filter((f) => f.name !== "paidCharity") } });
      assert.equal(made.status, 200, JSON.stringify(made.body));

      const scenario = sharedScenario("liaocheng-dibao-single.json");
      const created = await nocobase.api("POST", `${COLLECTION}:create`, { token: root, body: caseValues(scenario, scenario.claims[0], "BOUND-1") });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const incomplete = await nocobase.api("POST", "settlement:settle", { token: root, query: { filterByTk: created.body.data.id } });
      assert.equal(incomplete.body.errors?.[0]?.code, "CASE_COLLECTION_INVALID");
      assert.match(incomplete.body.errors![0].message, /paidCharity/);

      const added = await nocobase.api("POST", `collections/${COLLECTION}/fields:create`, { token: root, body: fields.find((f) => f.name === "paidCharity") });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      const settled = await nocobase.api("POST", "settlement:settle", { token: root, query: { filterByTk: created.body.data.id } });
      assert.equal(settled.status, 200, JSON.stringify(settled.body));
      const record = (await nocobase.api("GET", `${COLLECTION}:get`, { token: root, query: { filterByTk: created.body.data.id } })).body.data;
      assert.deepEqual(writtenBack(record), expectedWriteBack(scenario.claims[0]));
    });

    test("its amounts are checked when a case is saved, as in the plugin's own collection", async () => {
      const scenario = sharedScenario("liaocheng-dibao-single.json");
      const refused = await nocobase.api("POST", `${COLLECTION}:create`, { token: root, body: { ...caseValues(scenario, scenario.claims[0], "BOUND-2"), feeTotal: "1,200.00" } });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.deepEqual({ code: refused.body.errors?.[0]?.code, field: refused.body.errors?.[0]?.field }, { code: "INVALID_AMOUNT", field: "feeTotal" });
    });
  });
}
