/**
 * Webhooks cannot reach inside, and cannot slow settling or each other: targets must be public
 * http(s) addresses (internal ones only when allow-listed), checked at subscription and again after
 * DNS at delivery; redirects are not followed and the delivery log says no more than a status or a
 * coarse word; a key has a capped number of subscriptions; a settlement writes one outbox event
 * whatever the number of subscribers; a hanging receiver does not hold up a healthy one. Through
 * the gateway on SQLite and (with TEST_MYSQL_URL) MariaDB.
 */
import { Principal } from "../src/access/principal";
import * as net from "node:net";
import { Like } from "typeorm";
import { ConfigError, readConfig } from "../src/lib/config";
import { createLogger } from "../src/lib/logger";
import { OutboxEventEntity } from "../src/outbox/outbox.entity";
import { WebhookDeliveryEntity, WebhookSubscriptionEntity } from "../src/webhooks/webhook.entity";
import { isPublicAddress, parseAllowedTargets, TargetRefusedError, WebhookTargets } from "../src/webhooks/webhook-targets";
import { ApiKeyEntity } from "../src/access/access.entity";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";
import { startReceiver, until, type Receiver } from "./support/webhook-receiver";

const INTERNAL = ["127.0.0.1", "127.255.0.9", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "169.254.169.254", "224.0.0.1", "255.255.255.255", "::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "64:ff9b::7f00:1", "2002:7f00:1::1", "2001:db8::1"];
const PUBLIC = ["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "2a00:1450:4001::1"];

describe("webhook targets", () => {
  it("knows public addresses from loopback, private, link-local, CGNAT, multicast, unspecified and IPv4-in-IPv6 ones", () => {
    for (const address of INTERNAL) expect([address, isPublicAddress(address)]).toEqual([address, false]);
    for (const address of PUBLIC) expect([address, isPublicAddress(address)]).toEqual([address, true]);
  });

  it("reads an allow-list of addresses, networks and host names, with or without a port", async () => {
    const { targets, problems } = parseAllowedTargets("127.0.0.1:8080, 10.20.0.0/16,[::1]:9000,fd00::/8,his.local:443");
    expect(problems).toEqual([]);
    const policy = new WebhookTargets(targets);
    const allowed = async (url: string) => policy.resolve(new URL(url)).then(() => true, (error) => (error instanceof TargetRefusedError ? false : Promise.reject(error)));
    expect(await allowed("http://127.0.0.1:8080/x")).toBe(true);
    expect(await allowed("http://127.0.0.1:8081/x")).toBe(false);
    expect(await allowed("https://10.20.3.4/x")).toBe(true);
    expect(await allowed("https://10.21.3.4/x")).toBe(false);
    expect(await allowed("http://[::1]:9000/")).toBe(true);
    expect(await allowed("http://[fd00::5]/")).toBe(true);
    expect(await allowed("http://localhost:8081/")).toBe(false);
    expect(await allowed("ftp://93.184.216.34/")).toBe(false);
    expect(await allowed("http://user:pw@93.184.216.34/")).toBe(false);
    expect(await allowed("http://93.184.216.34/")).toBe(true);
    expect(parseAllowedTargets("10.0.0.0/33,host:0,a b,10.0.0.1:70000").problems).toHaveLength(4);
  });

  it("reports a bad WEBHOOK_ALLOWED_TARGETS or WEBHOOK_MAX_PER_KEY at start", () => {
    expect(readConfig({ WEBHOOK_ALLOWED_TARGETS: "127.0.0.1:4001" }).webhookAllowedTargets).toHaveLength(1);
    expect(readConfig({}).webhookMaxPerKey).toBe(20);
    let caught: unknown;
    try {
      readConfig({ WEBHOOK_ALLOWED_TARGETS: "10.0.0.0/40", WEBHOOK_MAX_PER_KEY: "0" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems.map((p) => p.split(":")[0]).sort()).toEqual(["WEBHOOK_ALLOWED_TARGETS", "WEBHOOK_MAX_PER_KEY"]);
  });
});

/** A loopback port with nothing listening. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each(testDatabases().map((db) => [db.name, db] as const))("webhooks on %s", (_name, database) => {
  let t: TestGateway;
  let healthy: Receiver;
  let hanging: Receiver;
  let redirecting: Receiver;
  let closed: number;
  /** The SQL statements of the request under watch. */
  let watched: string[] | null = null;
  const logger = createLogger("silent");

  beforeAll(async () => {
    healthy = await startReceiver(() => 204);
    hanging = await startReceiver(() => "hang");
    redirecting = await startReceiver(() => ({ redirectTo: healthy.url }));
    closed = await closedPort();
    const allowed = [healthy, hanging, redirecting].map((r) => `127.0.0.1:${r.port}`).concat(`127.0.0.1:${closed}`).join(",");
    t = await startTestGateway(database, { webhookAllowedTargets: allowed, webhookMaxPerKey: 3, webhookTimeoutMillis: 15_000, onQuery: (sql) => watched?.push(sql) });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    for (const r of [healthy, hanging, redirecting]) await r?.close();
  });

  const subscribe = (key: string, url: string, events = ["settlement.created"]) => gql(t.url, key, `mutation ($url: String!, $events: [String!]!) { subscribeWebhook(url: $url, events: $events) { id } }`, { url, events });
  const subscriptionCount = () => t.services.dataSource.getRepository(WebhookSubscriptionEntity).count();

  /** Records a beneficiary of 聊城 and settles `count` bills of hers; returns the claim ids. */
  async function settleBills(beneficiaryId: string, count: number): Promise<string[]> {
    const recorded = await gql(t.url, t.keys.partner, `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`, {
      input: { id: beneficiaryId, jurisdiction: "liaocheng", name: "丁", identities: [{ category: "DIBAO", from: "2023-01-01" }] },
    });
    expect(recorded.errors).toBeUndefined();
    const ids: string[] = [];
    for (let i = 1; i <= count; i++) {
      const id = `${beneficiaryId}-${i}`;
      const input = { id, beneficiaryId, date: `2023-03-${String(i).padStart(2, "0")}`, kind: "INPATIENT", fees: { total: "1000.00" }, reported: { basic: "100.00", critical: "0.00" } };
      expect((await gql(t.url, t.keys.partner, `mutation ($input: ClaimInput!) { submitClaim(input: $input) { id } }`, { input })).errors).toBeUndefined();
      expect((await gql(t.url, t.keys.partner, `mutation ($id: ID!) { settleClaim(id: $id) { id } }`, { id })).errors).toBeUndefined();
      ids.push(id);
    }
    return ids;
  }

  /** Makes a subscription as if its URL had passed the check when subscribing (its host resolving elsewhere then). */
  async function storeSubscription(id: string, url: string, keyName = "test partner"): Promise<void> {
    const key = await t.services.dataSource.getRepository(ApiKeyEntity).findOneByOrFail({ name: keyName });
    await t.services.dataSource.getRepository(WebhookSubscriptionEntity).insert({ id, keyId: key.id, url, events: "settlement.created", secret: "s", createdAt: new Date(0).toISOString(), revokedAt: null });
  }

  /** Ends every subscription, so that the next test sees only its own. */
  async function unsubscribeAll(): Promise<void> {
    await t.services.dataSource.getRepository(WebhookSubscriptionEntity).createQueryBuilder().update().set({ revokedAt: new Date().toISOString() }).where("revoked_at IS NULL").execute();
  }

  it("refuses internal, non-http(s), credentialed and over-long targets when subscribing, storing nothing", async () => {
    const before = await subscriptionCount();
    const refusedTargets = ["http://127.0.0.1:3306/", "http://localhost/", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:127.0.0.1]/", "http://0x7f000001/", "http://10.0.0.8/", "http://100.64.1.1/", "http://[fd00::1]/", "http://0.0.0.0/", `http://127.0.0.1:${t.url.split(":").pop()}/graphql`];
    for (const url of refusedTargets) {
      const refused = await subscribe(t.keys.partner, url);
      expect([url, refused.errors?.[0].extensions]).toEqual([url, { code: "WEBHOOK_TARGET_REFUSED", field: "url" }]);
    }
    for (const url of ["gopher://93.184.216.34/", "file:///etc/passwd", "http://user:secret@93.184.216.34/", `http://93.184.216.34/${"x".repeat(490)}`]) {
      const refused = await subscribe(t.keys.partner, url);
      expect([url, refused.errors?.[0].extensions]).toEqual([url, { code: "INVALID_INPUT", field: "url" }]);
    }
    expect(await subscriptionCount()).toBe(before);
  });

  it("caps the subscriptions of a key; unsubscribing makes room", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const made = await subscribe(t.keys.charity, `${healthy.url}/cap-${i}`, ["charity.allocated"]);
      expect(made.errors).toBeUndefined();
      ids.push(made.data!.subscribeWebhook.id);
    }
    const before = await subscriptionCount();
    const fourth = await subscribe(t.keys.charity, `${healthy.url}/cap-3`, ["charity.allocated"]);
    expect(fourth.errors?.[0].extensions).toEqual({ code: "WEBHOOK_LIMIT_REACHED", field: "url" });
    expect(await subscriptionCount()).toBe(before);
    const other = await gql(t.url, t.keys.partner, `mutation ($id: ID!) { unsubscribeWebhook(id: $id) }`, { id: ids[0] });
    expect(other.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const ended = await gql(t.url, t.keys.charity, `mutation ($id: ID!) { unsubscribeWebhook(id: $id) }`, { id: ids[0] });
    expect(ended.data).toEqual({ unsubscribeWebhook: true });
    expect((await subscribe(t.keys.charity, `${healthy.url}/cap-3`, ["charity.allocated"])).errors).toBeUndefined();
    await unsubscribeAll();
  });

  it("settling writes one outbox event and touches no subscription, whatever their number; the dispatcher fans it out afterwards", async () => {
    await unsubscribeAll();
    for (let i = 0; i < 40; i++) await storeSubscription(`wh_many_${i}`, `${healthy.url}/many-${i}`);
    await settleBills("WH-OUTBOX", 1);
    watched = [];
    const id = "WH-OUTBOX-2";
    await gql(t.url, t.keys.partner, `mutation ($input: ClaimInput!) { submitClaim(input: $input) { id } }`, {
      input: { id, beneficiaryId: "WH-OUTBOX", date: "2023-04-01", kind: "INPATIENT", fees: { total: "1000.00" }, reported: { basic: "100.00", critical: "0.00" } },
    });
    watched = [];
    expect((await gql(t.url, t.keys.partner, `mutation ($id: ID!) { settleClaim(id: $id) { id } }`, { id })).errors).toBeUndefined();
    const statements = watched;
    watched = null;
    expect(statements.filter((sql) => /webhook_/i.test(sql))).toEqual([]);
    // One event for the partners (settlement.created) and one for the charity (settlement.recorded), whatever the subscriptions.
    expect(statements.filter((sql) => /^INSERT INTO .outbox_events/i.test(sql))).toHaveLength(2);
    const event = await t.services.dataSource.getRepository(OutboxEventEntity).findOneByOrFail({ aggregateId: "liaocheng:WH-OUTBOX", payload: Like(`%"${id}"%`) });
    expect(event).toMatchObject({ topic: "settlement.created", jurisdiction: "liaocheng", dispatchedAt: null });

    await t.services.webhooks.runRound(logger);
    const deliveries = await t.services.dataSource.getRepository(WebhookDeliveryEntity).findBy({ payload: Like(`%"${event.eventId}"%`) });
    expect(deliveries).toHaveLength(40);
    expect(JSON.parse(deliveries[0].payload)).toMatchObject({ id: event.eventId, event: "settlement.created", jurisdiction: "liaocheng", data: { claimId: id, beneficiaryId: "WH-OUTBOX" } });
    await unsubscribeAll();
  });

  it("sends fairly: a receiver that never answers does not hold up a healthy one", async () => {
    await unsubscribeAll();
    expect((await subscribe(t.keys.partner, `${hanging.url}/fair`)).errors).toBeUndefined();
    expect((await subscribe(t.keys.partner, `${healthy.url}/fair`)).errors).toBeUndefined();
    const claims = await settleBills("WH-FAIR", 4);
    const fair = () => healthy.received.filter((r) => JSON.parse(r.body).data.beneficiaryId === "WH-FAIR");
    t.services.webhooks.start(logger, 50);
    try {
      // The hanging receiver's first request waits for the 15 s timeout; the healthy one is served meanwhile.
      await until(() => fair().length === claims.length || null, 12_000);
      expect(hanging.attempts()).toBe(1);
      expect(fair().map((r) => JSON.parse(r.body).data.claimId).sort()).toEqual(claims);
    } finally {
      await t.services.webhooks.stop();
      await unsubscribeAll();
    }
  });

  it("sends fairly per partner: a key with 20 hanging subscriptions holds two slots, another key's deliveries go through", async () => {
    await unsubscribeAll();
    for (let i = 0; i < 20; i++) await storeSubscription(`wh_slow_${String(i).padStart(2, "0")}`, `${hanging.url}/slow-${i}`);
    const second = await t.services.apiKeys.create({ role: "PARTNER", jurisdictions: ["liaocheng"], name: "second partner" }, Principal.system("test"), t.services.packs.jurisdictions());
    expect((await subscribe(second.key, `${healthy.url}/second`)).errors).toBeUndefined();
    const hangingBefore = hanging.attempts();
    const claims = await settleBills("WH-MANY", 5);
    const served = () => healthy.received.filter((r) => JSON.parse(r.body).data.beneficiaryId === "WH-MANY");
    t.services.webhooks.start(logger, 50);
    try {
      // Each hanging request holds its slot for the 15 s timeout: per subscription, the 20 would
      // take every slot and the second key would wait for them.
      await until(() => served().length === claims.length || null, 10_000);
      expect(served().map((r) => JSON.parse(r.body).data.claimId).sort()).toEqual(claims);
      expect(hanging.attempts() - hangingBefore).toBe(2);
    } finally {
      await t.services.webhooks.stop();
      await unsubscribeAll();
    }
  });

  it("follows no redirect, and the delivery log says only a status or a coarse word", async () => {
    await unsubscribeAll();
    expect((await subscribe(t.keys.partner, `${redirecting.url}/moved`)).errors).toBeUndefined();
    await storeSubscription("wh_closed_port", `http://127.0.0.1:${closed}/nobody`);
    // As if the host had resolved to a public address when subscribing and to loopback now.
    const unlisted = await closedPort();
    await storeSubscription("wh_rebound", `http://127.0.0.1:${unlisted}/inside`);
    // A name that does not resolve (now) is retried, not given up.
    await storeSubscription("wh_unresolved", "http://medassist-test.invalid/hook");
    const reached = healthy.attempts();
    await settleBills("WH-LOG", 1);
    t.services.webhooks.start(logger, 50);
    try {
      const log = async () => (await gql(t.url, t.keys.partner, `{ webhookDeliveries(first: 10) { subscriptionId status attempts lastStatusCode lastError } }`)).data!.webhookDeliveries as Array<Record<string, unknown>>;
      const outcome = (entries: Array<Record<string, unknown>>, subscriptionId: string) => entries.find((d) => d.subscriptionId === subscriptionId);
      const rebound = await until(async () => {
        const entries = await log();
        return entries.some((d) => d.lastStatusCode === 302) && outcome(entries, "wh_closed_port")?.lastError && outcome(entries, "wh_rebound")?.status === "FAILED" && outcome(entries, "wh_unresolved")?.lastError ? entries : null;
      });
      expect(rebound.find((d) => d.lastStatusCode === 302)).toMatchObject({ status: "PENDING", lastError: "HTTP 302" });
      expect(outcome(rebound, "wh_closed_port")).toMatchObject({ status: "PENDING", lastStatusCode: null, lastError: "connection failed" });
      expect(outcome(rebound, "wh_rebound")).toMatchObject({ status: "FAILED", attempts: 1, lastStatusCode: null, lastError: "target refused" });
      expect(outcome(rebound, "wh_unresolved")).toMatchObject({ status: "PENDING", lastStatusCode: null, lastError: "connection failed" });
      expect(healthy.attempts()).toBe(reached);
    } finally {
      await t.services.webhooks.stop();
      await unsubscribeAll();
    }
  });
});
