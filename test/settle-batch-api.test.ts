/**
 * Issue 15 item 2 through the running gateway and the command: `settleClaims`, POST
 * /api/settlement/batch and `npm run import` answer every bill in input order, refuse one bill
 * without refusing the others (a partner's bill of another jurisdiction's household included),
 * are idempotent by claim id, and refuse more than 10,000 bills whole. SQLite and MariaDB.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ClaimEntity } from "../src/claim/claim.entity";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";
import { distScript, runToEnd } from "./support/processes";

const SETTLE = `mutation ($input: [ClaimInput!]!) { settleClaims(input: $input) { claimId settlement { id selfPay } error { code field } } }`;
const bill = (id: string, beneficiaryId: string, extra: Record<string, unknown> = {}) => ({ id, beneficiaryId, date: "2023-03-10", kind: "INPATIENT", fees: { total: "26000.00" }, reported: { basic: "6000.00", critical: "0.00" }, ...extra });

describe.each(testDatabases().map((db) => [db.name, db] as const))("batches of bills on %s", (_name, database) => {
  let t: TestGateway;
  const claimsStored = () => t.services.dataSource.manager.count(ClaimEntity);
  beforeAll(async () => {
    t = await startTestGateway(database);
    for (const [id, jurisdiction] of [["BA-1", "liaocheng"], ["BA-2", "liaocheng"], ["BW-1", "weihai"]]) {
      const recorded = await gql(t.url, t.keys.admin, `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`, { input: { id, jurisdiction, name: id, identities: [{ category: "DIBAO", from: "2023-01-01" }] } });
      expect(recorded.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("settleClaims: each bill in order, a refusal refuses no other, the same bills again answer as before", async () => {
    const input = [
      bill("BA-1-1", "BA-1"),
      bill("BA-1-2", "BA-1", { reported: { basic: "30000.00" } }),
      bill("BW-1-1", "BW-1"),
      bill("BA-2-1", "BA-2", { date: "2023-02-01" }),
      bill("BA-1-3", "BA-1", { date: "2023-01-05" }),
    ];
    const first = await gql(t.url, t.keys.partner, SETTLE, { input });
    expect(first.errors).toBeUndefined();
    const results = first.data!.settleClaims;
    expect(results.map((r: any) => [r.claimId, r.error?.code ?? null, r.error?.field ?? null])).toEqual([
      ["BA-1-1", null, null],
      ["BA-1-2", "INCONSISTENT_FEES", "input[1].reported.basic"],
      // The partner's key covers 聊城 and 乐清: a 威海 household is not one it may settle for.
      ["BW-1-1", "NOT_FOUND", "input[2].beneficiaryId"],
      ["BA-2-1", null, null],
      ["BA-1-3", null, null],
    ]);
    // The bill dated first settled first: BA-1-1 pays after it, as one by one.
    const oneByOne = await gql(t.url, t.keys.partner, `{ claim(id: "BA-1-1") { settlement { id selfPay } } }`);
    expect(oneByOne.data!.claim.settlement).toEqual(results[0].settlement);

    const again = await gql(t.url, t.keys.partner, SETTLE, { input: [input[0], input[4]] });
    expect(again.data!.settleClaims.map((r: any) => r.settlement.id)).toEqual([results[0].settlement.id, results[4].settlement.id]);
    const changed = await gql(t.url, t.keys.partner, SETTLE, { input: [bill("BA-1-1", "BA-1", { fees: { total: "26000.01" } })] });
    expect(changed.data!.settleClaims[0].error).toEqual({ code: "CONFLICT", field: "input[0].id" });
  });

  it("settleClaims: one claim id for two households in one batch is CONFLICT for the second", async () => {
    const answer = await gql(t.url, t.keys.partner, SETTLE, { input: [bill("BAB-1", "BA-1", { date: "2023-04-01" }), bill("BAB-1", "BA-2", { date: "2023-04-01" })] });
    expect(answer.errors).toBeUndefined();
    const [first, second] = answer.data!.settleClaims;
    expect(first.error).toBeNull();
    expect(second).toEqual({ claimId: "BAB-1", settlement: null, error: { code: "CONFLICT", field: "input[1].id" } });
  });

  it("POST /api/settlement/batch: results with their lines; more than 10,000 bills is refused whole", async () => {
    const post = (body: unknown) => fetch(`${t.url}/api/settlement/batch`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${t.keys.partner}` }, body: JSON.stringify(body) });
    const response = await post({ claims: [bill("BA-2-2", "BA-2", { jurisdiction: "liaocheng" }), { id: "BA-2-3" }] });
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as any;
    expect(results[0]).toMatchObject({ claimId: "BA-2-2", error: null, settlement: { claimId: "BA-2-2" } });
    expect(results[0].settlement.lines.map((l: any) => l.tier)).toContain("assistance");
    expect(results[1]).toMatchObject({ claimId: "BA-2-3", settlement: null, error: { field: expect.stringMatching(/^claims\[1\]/) } });

    // Without a key, the body is not even read: refused as unauthenticated, not as malformed JSON.
    const stranger = await fetch(`${t.url}/api/settlement/batch`, { method: "POST", headers: { "content-type": "application/json" }, body: "{ not json" });
    expect(stranger.status).toBe(401);
    expect(((await stranger.json()) as any).error).toMatchObject({ code: "UNAUTHENTICATED", field: "Authorization" });

    const before = await claimsStored();
    const tooMany = await post({ claims: Array.from({ length: 10_001 }, (_, i) => bill(`BX-${i}`, "BA-2")) });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as any).error).toMatchObject({ code: "TOO_MANY_BILLS", field: "claims" });
    expect(await claimsStored()).toBe(before);
  });

  it("npm run import: NDJSON and CSV with Chinese headers, one line per bill, idempotent", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "medassist-import-"));
    const ndjson = path.join(dir, "his.ndjson");
    fs.writeFileSync(ndjson, [JSON.stringify(bill("IM-1", "BA-2", { jurisdiction: "liaocheng", date: "2023-06-01" })), "not json"].join("\n"));
    const csv = path.join(dir, "insurer.csv");
    fs.writeFileSync(csv, "\uFEFF费用编号,参保人编号,辖区,就诊日期,就诊类别,规范转诊,医疗总费用,目录外费用,基本医保支付,大病保险支付\nIM-2,BA-2,liaocheng,2023-06-02,住院,是,\"12,000.00\",0.00,3000.00,0.00\nIM-3,BA-2,liaocheng,2023-06-03,住院,否,12000.00,0.00,3000.00,0.00\n");
    const env = { DATABASE_URL: t.databaseUrl };
    const run = await runToEnd(distScript("import"), [ndjson, csv], env, 120_000);
    const lines = run.stdout.trim().split("\n");
    expect(lines.map((line) => line.split("\t").slice(0, 4))).toEqual([
      [`${ndjson}:1`, "IM-1", "settled", expect.any(String)],
      [`${ndjson}:2`, `${ndjson}:2`, "refused", "INVALID_INPUT"],
      // "12,000.00" is not an amount: that bill is refused, the next one settles.
      [`${csv}:1`, "IM-2", "refused", "INVALID_AMOUNT"],
      [`${csv}:2`, "IM-3", "settled", expect.any(String)],
      ["2 settled, 2 refused"],
    ]);
    expect(run.stderr).toMatch(/\[#+\] 4\/4 bills/);
    expect(run.code).toBe(1);
    const again = await runToEnd(distScript("import"), [csv], env, 120_000);
    expect(again.stdout.split("\n")[1]).toBe(lines[3]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
