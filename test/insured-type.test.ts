/**
 * The claim's insured type (居民 / 职工): optional, RESIDENT when omitted (a project decision), and
 * anything else is refused naming the field.
 */
import { readClaim } from "../src/engine/input";
import { DomainError } from "../src/lib/errors";

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
