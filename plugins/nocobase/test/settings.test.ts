/**
 * The settings page's server side, in a real NocoBase app: an administrator switches between
 * library and gateway mode (against the product's gateway as its own process) and the next request
 * settles in the new mode, without a restart; the gateway key is write-only; only administrators
 * reach the settings.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startGateway, type RunningGateway } from "./support/gateway";
import { ROOT_ACCOUNT, startNocoBase, testDatabases, type TestNocoBase } from "./support/nocobase";
import { caseValues, sharedScenario } from "./support/scenarios";

let gateway: RunningGateway;
let partnerKey: string;

before(async () => {
  gateway = await startGateway();
  partnerKey = await gateway.createKey("PARTNER", ["liaocheng"], "nocobase settings test");
});

after(async () => {
  await gateway?.stop();
});

for (const database of testDatabases()) {
  describe(`the settings page's actions on ${database}`, () => {
    let nocobase: TestNocoBase;
    let root: string;
    let caseId: number;

    before(async () => {
      nocobase = await startNocoBase({}, database);
      root = await nocobase.signIn(ROOT_ACCOUNT.account, ROOT_ACCOUNT.password);
      const scenario = sharedScenario("liaocheng-dibao-single.json");
      const created = await nocobase.api("POST", "medassistCases:create", { token: root, body: caseValues(scenario, scenario.claims[0], `SETTINGS-${database}`) });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      caseId = created.body.data.id;
    });

    after(async () => {
      await nocobase?.stop();
    });

    const quoteMode = async () => {
      const quoted = await nocobase.api("POST", "settlement:quote", { token: root, query: { filterByTk: caseId } });
      assert.equal(quoted.status, 200, JSON.stringify(quoted.body));
      return quoted.body.data.mode as string;
    };
    const save = (values: Record<string, unknown>) => nocobase.api("POST", "settlementSettings:save", { token: root, body: values });
    const read = () => nocobase.api("GET", "settlementSettings:read", { token: root });

    test("the mode switches on the next request, without a restart, and back", async () => {
      assert.deepEqual((await read()).body.data, { mode: "library", gatewayUrl: null, gatewayKeySet: false, source: "environment" });
      assert.equal(await quoteMode(), "library");

      const saved = await save({ mode: "gateway", gatewayUrl: gateway.url, gatewayKey: partnerKey });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.deepEqual(saved.body.data, { mode: "gateway", gatewayUrl: gateway.url, gatewayKeySet: true, source: "settings" });
      assert.equal(await quoteMode(), "gateway");

      assert.equal((await save({ mode: "library", gatewayUrl: gateway.url })).status, 200);
      assert.equal(await quoteMode(), "library");
    });

    test("the key is never returned, and saving without a key keeps the one in force", async () => {
      assert.equal((await save({ mode: "gateway", gatewayUrl: gateway.url, gatewayKey: partnerKey })).status, 200);
      const kept = await save({ mode: "gateway", gatewayUrl: gateway.url, gatewayKey: "" });
      assert.equal(kept.status, 200, JSON.stringify(kept.body));
      assert.equal(await quoteMode(), "gateway", "the stored key still opens the gateway");
      for (const response of [kept, await read(), await nocobase.api("GET", "medassistSettings:list", { token: root })]) {
        assert.equal(response.status, 200, JSON.stringify(response.body));
        assert.equal(JSON.stringify(response.body).includes(partnerKey), false, "the key is not in the answer");
      }
    });

    test("gateway mode without a URL is refused, and the settings stay as they were", async () => {
      assert.equal((await save({ mode: "library", gatewayUrl: gateway.url })).status, 200);
      const refused = await save({ mode: "gateway", gatewayUrl: "" });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.deepEqual({ code: refused.body.errors?.[0]?.code, field: refused.body.errors?.[0]?.field }, { code: "INVALID_INPUT", field: "gatewayUrl" });
      assert.equal((await read()).body.data.mode, "library");
      assert.equal(await quoteMode(), "library");
    });

    test("only administrators reach the settings: NocoBase's admin role may, a case worker may not", async () => {
      const admin = await nocobase.api("POST", "users:create", { token: root, body: { username: "settingsadmin1", password: "settingsadmin1-Passw0rd", roles: ["admin"] } });
      assert.equal(admin.status, 200, JSON.stringify(admin.body));
      const adminToken = await nocobase.signIn("settingsadmin1", "settingsadmin1-Passw0rd");
      const allowed = await nocobase.api("GET", "settlementSettings:read", { token: adminToken, role: "admin" });
      assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
      const role = await nocobase.api("POST", "roles:create", { token: root, body: { name: "settingsworker", title: "case worker", strategy: { actions: ["view", "create", "update"] } } });
      assert.equal(role.status, 200, JSON.stringify(role.body));
      const user = await nocobase.api("POST", "users:create", { token: root, body: { username: "settingsworker1", password: "settingsworker1-Passw0rd", roles: ["settingsworker"] } });
      assert.equal(user.status, 200, JSON.stringify(user.body));
      const worker = await nocobase.signIn("settingsworker1", "settingsworker1-Passw0rd");
      for (const [method, action] of [["GET", "settlementSettings:read"], ["POST", "settlementSettings:save"], ["GET", "medassistSettings:list"]] as const) {
        const refused = await nocobase.api(method, action, { token: worker, role: "settingsworker", body: { mode: "library" } });
        assert.equal(refused.status, 403, `${action}: ${JSON.stringify(refused.body)}`);
      }
    });
  });
}
