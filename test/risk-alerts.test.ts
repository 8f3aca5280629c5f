/**
 * Early warning through the gateway, on SQLite and (with TEST_MYSQL_URL) MariaDB: a settlement that
 * makes a 低保边缘 person's yearly burden cross 50% of the provincial income raises an alert with its
 * figures; case workers list and acknowledge it; a subscribed partner receives it, signed, after
 * its receiver failed twice (retried with back-off), and a partner of another city does not.
 */
import * as fs from "node:fs";
import { createHmac } from "node:crypto";
import { projectPath } from "../src/lib/project";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";
import { receiver, until } from "./support/webhook-receiver";

describe.each(testDatabases().map((db) => [db.name, db] as const))("risk alerts and webhooks on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database, { webhooks: true, webhookAllowedTargets: "127.0.0.1" });
    // The provincial income is a figure the text leaves to the province: an administrator sets it
    // by publishing a new version (39,000.00 is a test value).
    const document = JSON.parse(fs.readFileSync(projectPath("rules-json", "liaocheng.json"), "utf8"));
    document.version = 2;
    document.parameters.provincialDisposableIncomePerCapita.value = "39000.00";
    const published = await gql(t.url, t.keys.admin, `mutation ($d: JSONObject!) { publishRulePack(document: $d) { pack { version } } }`, { d: document });
    expect(published.errors).toBeUndefined();
    await gql(t.url, t.keys.admin, `mutation { activateRulePack(id: "liaocheng", version: 2) { status } }`);
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("raises an alert when a settlement crosses the threshold, sends it signed after retries, and lets a case worker acknowledge it", async () => {
    const hook = await receiver(2);
    const otherHook = await receiver(0);
    try {
      const subscribed = await gql(t.url, t.keys.partner, `mutation ($url: String!) { subscribeWebhook(url: $url, events: ["risk_alert.raised"]) { id secret events } }`, { url: hook.url });
      expect(subscribed.errors).toBeUndefined();
      const secret = subscribed.data!.subscribeWebhook.secret;
      await gql(t.url, t.keys.otherPartner, `mutation ($url: String!) { subscribeWebhook(url: $url, events: ["risk_alert.raised"]) { id } }`, { url: otherHook.url });

      await gql(t.url, t.keys.partner, `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`, {
        input: { id: "RA-1", jurisdiction: "liaocheng", name: "丁", identities: [{ category: "NEAR_DIBAO", from: "2023-01-01" }] },
      });
      const settle = async (id: string, total: string, basic: string) => {
        await gql(t.url, t.keys.partner, `mutation ($input: ClaimInput!) { submitClaim(input: $input) { id } }`, {
          input: { id, beneficiaryId: "RA-1", date: "2023-03-01", kind: "INPATIENT", fees: { total }, reported: { basic, critical: "0.00" } },
        });
        return gql(t.url, t.keys.partner, `mutation ($id: ID!) { settleClaim(id: $id) { id } }`, { id });
      };
      await settle("RA-1-1", "29500.00", "10000.00");
      const none = await gql(t.url, t.keys.partner, `{ riskAlerts(jurisdiction: "liaocheng") { edges { node { id } } } }`);
      expect(none.data!.riskAlerts.edges).toEqual([]);
      await settle("RA-1-2", "0.01", "0.00");
      const listed = await gql(t.url, t.keys.partner, `{ riskAlerts(jurisdiction: "liaocheng", status: "OPEN") { edges { node { id beneficiaryId year ruleId clause category threshold burden claimId status } } } }`);
      const alert = listed.data!.riskAlerts.edges[0].node;
      expect(alert).toMatchObject({ beneficiaryId: "RA-1", year: 2023, ruleId: "lc-warning-near-dibao", clause: "聊政办发〔2022〕5号 四(二)", category: "NEAR_DIBAO", threshold: "19500.00", burden: "19500.01", claimId: "RA-1-2", status: "OPEN" });
      await settle("RA-1-3", "5000.00", "1000.00");
      const still = await gql(t.url, t.keys.partner, `{ riskAlerts(jurisdiction: "liaocheng") { edges { node { id } } } }`);
      expect(still.data!.riskAlerts.edges).toHaveLength(1);

      const delivery = await until(() => hook.received[0] ?? null);
      const payload = JSON.parse(delivery.body);
      expect(payload).toMatchObject({ event: "risk_alert.raised", jurisdiction: "liaocheng", data: { alertId: alert.id, ruleId: "lc-warning-near-dibao", threshold: "19500.00", burden: "19500.01" } });
      const signature = String(delivery.headers["x-medassist-signature"]);
      const [, timestamp, mac] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature)!;
      expect(mac).toBe(createHmac("sha256", secret).update(`${timestamp}.${delivery.body}`).digest("hex"));
      expect(hook.attempts()).toBe(3);
      const log = await gql(t.url, t.keys.partner, `{ webhookDeliveries { event status attempts lastStatusCode } }`);
      expect(log.data!.webhookDeliveries).toContainEqual({ event: "risk_alert.raised", status: "DELIVERED", attempts: 3, lastStatusCode: 204 });
      expect(otherHook.attempts()).toBe(0);

      const hidden = await gql(t.url, t.keys.otherPartner, `{ riskAlerts { edges { node { id } } } }`);
      expect(hidden.data!.riskAlerts.edges).toEqual([]);
      const acknowledged = await gql(t.url, t.keys.partner, `mutation ($id: Int!) { acknowledgeRiskAlert(id: $id, note: "已入户核实") { status acknowledgedBy note } }`, { id: alert.id });
      expect(acknowledged.data!.acknowledgeRiskAlert).toMatchObject({ status: "ACKNOWLEDGED", note: "已入户核实" });
      const again = await gql(t.url, t.keys.admin, `mutation ($id: Int!) { acknowledgeRiskAlert(id: $id, note: "再次") { status } }`, { id: alert.id });
      expect(again.errors?.[0].extensions?.code).toBe("CONFLICT");
      const charity = await gql(t.url, t.keys.charity, `mutation ($id: Int!) { acknowledgeRiskAlert(id: $id, note: "x") { status } }`, { id: alert.id });
      expect(charity.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    } finally {
      await hook.close();
      await otherHook.close();
    }
  }, 120_000);

  it("refuses a webhook that is not an http(s) URL or names an unknown event", async () => {
    const bad = await gql(t.url, t.keys.partner, `mutation { subscribeWebhook(url: "ftp://x", events: ["risk_alert.raised"]) { id } }`);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: "INVALID_INPUT", field: "url" });
    const event = await gql(t.url, t.keys.partner, `mutation { subscribeWebhook(url: "http://127.0.0.1:9/x", events: ["everything"]) { id } }`);
    expect(event.errors?.[0].extensions).toMatchObject({ code: "INVALID_INPUT", field: "events" });
  });
});
