/**
 * Input checking: every kind of bad input is refused with its code and the field it concerns.
 */
import { readBeneficiary, readClaim } from "../src/engine/input";
import { DomainError } from "../src/lib/errors";
import { Money } from "../src/lib/money";

const goodClaim = {
  id: "C-1",
  date: "2023-03-10",
  kind: "INPATIENT",
  fees: { total: "1000.00", outOfCatalog: "100.00", classBSelfPay: "0.00", overStandard: "0.00" },
  reported: { basic: "300.00" },
};

function refusal(read: () => unknown): { code: string; field: string; message: string } {
  try {
    read();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("reading a claim", () => {
  it("reads a well-formed claim into exact amounts with the flags defaulting to true", () => {
    const claim = readClaim(goodClaim, "B-1");
    expect(claim.fees.total.toFixed(2)).toBe("1000.00");
    expect(claim.reported.basic?.toFixed(2)).toBe("300.00");
    expect([claim.referred, claim.inProvince, claim.guidanceFollowed]).toEqual([true, true, true]);
  });

  it.each([
    ["a negative total", { fees: { ...goodClaim.fees, total: "-1.00" } }, "INVALID_AMOUNT", "claim.fees.total"],
    ["three decimals", { fees: { ...goodClaim.fees, outOfCatalog: "1.005" } }, "INVALID_AMOUNT", "claim.fees.outOfCatalog"],
    ["a JSON number instead of a string", { fees: { ...goodClaim.fees, total: 1000 } }, "INVALID_AMOUNT", "claim.fees.total"],
    ["words instead of an amount", { fees: { ...goodClaim.fees, overStandard: "abc" } }, "INVALID_AMOUNT", "claim.fees.overStandard"],
    ["an exponent", { fees: { ...goodClaim.fees, total: "1e3" } }, "INVALID_AMOUNT", "claim.fees.total"],
    ["a leading space", { fees: { ...goodClaim.fees, total: " 1000.00" } }, "INVALID_AMOUNT", "claim.fees.total"],
    ["a trailing space", { fees: { ...goodClaim.fees, total: "1000.00 " } }, "INVALID_AMOUNT", "claim.fees.total"],
    ["a missing total", { fees: { outOfCatalog: "0.00" } }, "INVALID_AMOUNT", "claim.fees.total"],
    ["a negative reported tier", { reported: { basic: "-5.00" } }, "INVALID_AMOUNT", "claim.reported.basic"],
    ["parts larger than the total", { fees: { total: "100.00", outOfCatalog: "60.00", classBSelfPay: "30.00", overStandard: "10.01" } }, "INCONSISTENT_FEES", "claim.fees"],
    ["a reported charity amount", { reported: { charity: "10.00" } }, "INVALID_INPUT", "claim.reported.charity"],
    ["a date that does not exist", { date: "2023-02-29" }, "INVALID_DATE", "claim.date"],
    ["a date in another format", { date: "10/03/2023" }, "INVALID_DATE", "claim.date"],
    ["an unknown kind of care", { kind: "DENTAL" }, "INVALID_INPUT", "claim.kind"],
    ["a flag that is not a boolean", { referred: "yes" }, "INVALID_INPUT", "claim.referred"],
    ["an empty id", { id: "" }, "INVALID_INPUT", "claim.id"],
  ])("refuses %s", (_name, change, code, field) => {
    const result = refusal(() => readClaim({ ...goodClaim, ...change }, "B-1"));
    expect(result.code).toBe(code);
    expect(result.field).toBe(field);
    expect(result.message).toContain(field);
  });

  it("accepts parts that add up exactly to the total", () => {
    const claim = readClaim({ ...goodClaim, fees: { total: "100.00", outOfCatalog: "60.00", classBSelfPay: "30.00", overStandard: "10.00" } }, "B-1");
    expect(claim.fees.total.toFixed(2)).toBe("100.00");
  });
});

describe("reading a beneficiary", () => {
  const good = { id: "B-1", identities: [{ category: "DIBAO", from: "2023-01-01", to: null }], applications: [{ program: "TILT_ASSISTANCE", date: "2023-02-01" }] };

  it("reads categories and applications", () => {
    const beneficiary = readBeneficiary(good);
    expect(beneficiary.identities).toEqual([{ category: "DIBAO", from: "2023-01-01", to: null }]);
    // Without a decision: approved on the application date (the project's compatibility decision).
    expect(beneficiary.applications).toEqual([{ program: "TILT_ASSISTANCE", date: "2023-02-01", status: "APPROVED", decidedOn: "2023-02-01" }]);
  });

  it("reads an application's decision and phase-out periods", () => {
    const beneficiary = readBeneficiary({
      ...good,
      applications: [
        { program: "TILT_ASSISTANCE", date: "2023-02-01", status: "PENDING" },
        { program: "TILT_ASSISTANCE", date: "2023-03-01", status: "REFUSED", decidedOn: "2023-03-20" },
      ],
      phaseOuts: [{ category: "DIBAO", from: "2023-07-01", to: "2023-12-31" }],
    });
    expect(beneficiary.applications).toEqual([
      { program: "TILT_ASSISTANCE", date: "2023-02-01", status: "PENDING", decidedOn: null },
      { program: "TILT_ASSISTANCE", date: "2023-03-01", status: "REFUSED", decidedOn: "2023-03-20" },
    ]);
    expect(beneficiary.phaseOuts).toEqual([{ category: "DIBAO", from: "2023-07-01", to: "2023-12-31" }]);
  });

  it.each([
    ["an unknown category", { identities: [{ category: "VIP", from: "2023-01-01", to: null }] }, "UNKNOWN_CATEGORY", "beneficiary.identities[0].category"],
    ["a period ending before it starts", { identities: [{ category: "DIBAO", from: "2023-05-01", to: "2023-04-30" }] }, "INVALID_DATE", "beneficiary.identities[0].to"],
    ["an invalid start date", { identities: [{ category: "DIBAO", from: "2023-13-01", to: null }] }, "INVALID_DATE", "beneficiary.identities[0].from"],
    ["an unknown programme", { applications: [{ program: "FREE_MONEY", date: "2023-02-01" }] }, "INVALID_INPUT", "beneficiary.applications[0].program"],
    ["an unknown decision", { applications: [{ program: "TILT_ASSISTANCE", date: "2023-02-01", status: "MAYBE", decidedOn: "2023-02-02" }] }, "INVALID_INPUT", "beneficiary.applications[0].status"],
    ["an approval without its date", { applications: [{ program: "TILT_ASSISTANCE", date: "2023-02-01", status: "APPROVED" }] }, "INVALID_DATE", "beneficiary.applications[0].decidedOn"],
    ["a decision before the application", { applications: [{ program: "TILT_ASSISTANCE", date: "2023-02-01", status: "APPROVED", decidedOn: "2023-01-31" }] }, "INVALID_DATE", "beneficiary.applications[0].decidedOn"],
    ["a pending application with a decision date", { applications: [{ program: "TILT_ASSISTANCE", date: "2023-02-01", status: "PENDING", decidedOn: "2023-02-02" }] }, "INVALID_INPUT", "beneficiary.applications[0].decidedOn"],
    ["a decision date without a decision", { applications: [{ program: "TILT_ASSISTANCE", date: "2023-02-01", decidedOn: "2023-02-02" }] }, "INVALID_INPUT", "beneficiary.applications[0].status"],
    ["a phase-out of an unknown category", { phaseOuts: [{ category: "VIP", from: "2023-01-01", to: null }] }, "UNKNOWN_CATEGORY", "beneficiary.phaseOuts[0].category"],
  ])("refuses %s", (_name, change, code, field) => {
    const result = refusal(() => readBeneficiary({ ...good, ...change }));
    expect(result).toMatchObject({ code, field });
  });
});

describe("a claim's plausibility, with the limits the gateway passes in", () => {
  const limits = { latestDate: "2024-06-30", maxAmount: new Money("10000000.00") };

  it.each([
    ["a date after the latest", { date: "2024-07-01" }, "INVALID_DATE", "claim.date"],
    ["an absurd date", { date: "9999-12-31" }, "INVALID_DATE", "claim.date"],
    ["a date before 1990", { date: "1989-12-31" }, "INVALID_DATE", "claim.date"],
    ["a total above the maximum", { fees: { ...goodClaim.fees, total: "10000000.01" } }, "INVALID_AMOUNT", "claim.fees.total"],
    ["a fee part above the maximum", { fees: { ...goodClaim.fees, classBSelfPay: "9999999999999999.99" } }, "INVALID_AMOUNT", "claim.fees.classBSelfPay"],
    ["a reported tier above the maximum", { reported: { critical: "10000000.01" } }, "INVALID_AMOUNT", "claim.reported.critical"],
  ])("refuses %s", (_name, change, code, field) => {
    const result = refusal(() => readClaim({ ...goodClaim, ...change }, "B-1", "claim", limits));
    expect(result).toMatchObject({ code, field });
    expect(result.message).toContain(field);
  });

  it("takes a bill dated on the latest date with the maximum total", () => {
    const claim = readClaim({ ...goodClaim, date: "2024-06-30", fees: { ...goodClaim.fees, total: "10000000.00" } }, "B-1", "claim", limits);
    expect(claim.fees.total.toFixed(2)).toBe("10000000.00");
  });
});
