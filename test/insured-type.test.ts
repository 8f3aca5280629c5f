/**
 * The claim's insured type (居民 / 职工): optional, RESIDENT when omitted (a project decision), and
 * anything else is refused naming the field.
 */
import { readClaim } from "../src/engine/input";
import { DomainError } from "../src/lib/errors";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

const bill = { id: "C-1", date: "2023-05-10", kind: "INPATIENT", fees: { total: "100.00" } };

describe("a claim's insuredType", () => {
  it("is RESIDENT when omitted and EMPLOYEE when given", () => {
    expect(readClaim(bill, "B-1").insuredType).toBe("RESIDENT");
    expect(readClaim({ ...bill, insuredType: "EMPLOYEE" }, "B-1").insuredType).toBe("EMPLOYEE");
  });

  it("refuses an unknown insured type with INVALID_INPUT at the field", () => {
    try {
      readClaim({ ...bill, insuredType: "FARMER" }, "B-1");
      throw new Error("expected a refusal");
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe("INVALID_INPUT");
      expect((error as DomainError).field).toBe("claim.insuredType");
    }
  });
});

describe.each(testDatabases().map((db) => [db.name, db] as const))("insuredType through the gateway on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("stores the insured type given, RESIDENT when omitted, and refuses an unknown one", async () => {
    const person = { id: "WH-INS-1", jurisdiction: "weihai", name: "WH-INS-1", identities: [{ category: "DIBAO", from: "2023-01-01", to: null }], applications: [] };
    expect((await gql(t.url, t.keys.admin, `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`, { input: person })).errors).toBeUndefined();
    const submit = (id: string, insuredType?: string) =>
      gql(t.url, t.keys.admin, `mutation ($input: ClaimInput!) { submitClaim(input: $input) { id insuredType } }`, {
        input: { id, beneficiaryId: person.id, date: "2023-05-10", kind: "INPATIENT", ...(insuredType ? { insuredType } : {}), fees: { total: "1000.00" }, reported: { basic: "500.00", critical: "0.00" } },
      });
    expect((await submit("WH-INS-1-1", "EMPLOYEE")).data?.submitClaim.insuredType).toBe("EMPLOYEE");
    expect((await submit("WH-INS-1-2")).data?.submitClaim.insuredType).toBe("RESIDENT");
    const read = await gql(t.url, t.keys.admin, `query { claim(id: "WH-INS-1-1") { insuredType } }`);
    expect(read.data?.claim.insuredType).toBe("EMPLOYEE");
    expect((await submit("WH-INS-1-3", "FARMER")).errors?.length).toBe(1);
  }, 120_000);
});
