/**
 * Issue 11, item 6, on SQLite and (with TEST_MYSQL_URL) MariaDB: POST /api/settlement/settle with a
 * beneficiary and a claim is all or nothing. A refused claim leaves no new beneficiary behind (nor
 * its ID number), and an existing one as it was.
 */
import { AuditEntryEntity } from "../src/access/access.entity";
import { BeneficiaryEntity, CategoryPeriodEntity } from "../src/beneficiary/beneficiary.entity";
import { ClaimEntity } from "../src/claim/claim.entity";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

const HOUSEHOLD = `query ($id: ID!) { beneficiary(id: $id) { name nationalId township identities { category from to } claims { id } } }`;
const claim = (beneficiaryId: string, extra: Record<string, unknown> = {}) => ({
  id: `${beneficiaryId}-1`,
  beneficiaryId,
  date: "2023-03-10",
  kind: "INPATIENT",
  fees: { total: "26000.00" },
  reported: { basic: "6000.00", critical: "0.00" },
  ...extra,
});

describe.each(testDatabases().map((db) => [db.name, db] as const))("/api/settlement/settle is atomic on %s", (_name, database) => {
  let t: TestGateway;
  const settle = (body: unknown) => fetch(`${t.url}/api/settlement/settle`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${t.keys.partner}` }, body: JSON.stringify(body) });
  const rowsOf = async (id: string) => {
    const manager = t.services.dataSource.manager;
    return {
      beneficiaries: await manager.countBy(BeneficiaryEntity, { id }),
      periods: await manager.countBy(CategoryPeriodEntity, { beneficiaryId: id }),
      claims: await manager.countBy(ClaimEntity, { beneficiaryId: id }),
      audit: await manager.countBy(AuditEntryEntity, { subjectId: id }),
    };
  };
  beforeAll(async () => {
    t = await startTestGateway(database);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("a refused claim with a new beneficiary: 400, and the beneficiary does not exist afterwards", async () => {
    const beneficiary = { id: "AT-1", jurisdiction: "liaocheng", name: "新人", nationalId: "370102199001011234", identities: [{ category: "DIBAO", from: "2023-01-01" }] };
    // No 聊城 pack is in force in 2010: settling refuses what the beneficiary was recorded for.
    const response = await settle({ beneficiary, claim: claim("AT-1", { date: "2010-03-10" }) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("NO_PACK_IN_FORCE");
    expect((await gql(t.url, t.keys.admin, HOUSEHOLD, { id: "AT-1" })).data!.beneficiary).toBeNull();
    expect(await rowsOf("AT-1")).toEqual({ beneficiaries: 0, periods: 0, claims: 0, audit: 0 });
  });

  it("a refused claim with an existing beneficiary's changed fields: the beneficiary is unchanged", async () => {
    const recorded = { id: "AT-2", jurisdiction: "liaocheng", name: "原名", nationalId: "370102199001011234", township: "东昌府", identities: [{ category: "DIBAO", from: "2023-01-01" }] };
    expect((await gql(t.url, t.keys.partner, `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`, { input: recorded })).errors).toBeUndefined();
    const before = await gql(t.url, t.keys.admin, HOUSEHOLD, { id: "AT-2" });
    const rowsBefore = await rowsOf("AT-2");
    const changed = { ...recorded, name: "改名", nationalId: "37010219900101999X", township: "阳谷", identities: [{ category: "NEAR_DIBAO", from: "2022-01-01" }] };
    for (const refusedClaim of [claim("AT-2", { fees: { total: "-1.00" } }), claim("AT-2", { reported: { basic: "30000.00", critical: "0.00" } })]) {
      const response = await settle({ beneficiary: changed, claim: refusedClaim });
      expect(response.status).toBe(400);
      expect(await gql(t.url, t.keys.admin, HOUSEHOLD, { id: "AT-2" })).toEqual(before);
      expect(await rowsOf("AT-2")).toEqual(rowsBefore);
    }
    // The same request with a claim that settles stores both.
    const accepted = await settle({ beneficiary: changed, claim: claim("AT-2") });
    expect(accepted.status).toBe(200);
    expect((await gql(t.url, t.keys.admin, HOUSEHOLD, { id: "AT-2" })).data!.beneficiary).toMatchObject({ name: "改名", township: "阳谷", claims: [{ id: "AT-2-1" }] });
  });
});
