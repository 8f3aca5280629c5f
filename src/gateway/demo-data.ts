/**
 * A small demo data set: one beneficiary per pack and category (and one ordinary insured), each
 * with a settled inpatient bill where the pack has the figures to settle it; and for the charity
 * office's page, two 乐清 households whose year needs charity, two funds with income, and one
 * allocation in the pack's fund order (the other household stays open).
 */
import { DomainError } from "../lib/errors";
import type { Logger } from "../lib/logger";
import { Principal } from "../access/principal";
import { entitlementIdOf } from "../charity/charity.service";
import type { Services } from "./services";

/** Tiers the demo reports as already paid, so that packs without basic-insurance figures can settle. */
function reportedFor(packId: string, category: string | null): Record<string, string> {
  const reported: Record<string, string> = { basic: "20000.00" };
  const weihaiComputesCritical = packId === "weihai" && category !== null && ["DESTITUTE", "DIBAO", "RELAPSED_POOR"].includes(category);
  if (!weihaiComputesCritical) reported.critical = "0.00";
  if (packId === "yueqing" && category !== null) reported.commercial = "0.00";
  return reported;
}

/** Loads the demo data set; returns how many claims were settled. */
export async function loadDemoData(services: Services, logger: Logger): Promise<number> {
  const demo = Principal.system("demo");
  let settled = 0;
  for (const pack of services.packs.activePacks()) {
    const year = Number(pack.document.inForce.appliesFrom.slice(0, 4)) + 1;
    const date = `${year}-06-15`;
    for (const category of [null, ...pack.precedence]) {
      const id = `DEMO-${pack.id}-${category ?? "ORDINARY"}`.toUpperCase();
      await services.beneficiaries.upsert(demo, {
        id,
        jurisdiction: pack.id,
        name: `示例 ${pack.document.jurisdiction.name} ${category ?? "普通参保"}`,
        nationalId: null,
        identities: category ? [{ category, from: `${year}-01-01`, to: null }] : [],
        applications: [],
      });
      try {
        await services.claims.submit(demo, {
          id: `${id}-1`,
          beneficiaryId: id,
          date,
          kind: "INPATIENT",
          fees: { total: "60000.00", outOfCatalog: "5000.00", classBSelfPay: "0.00", overStandard: "0.00" },
          reported: reportedFor(pack.id, category),
        });
        await services.settlements.settleClaim(demo, `${id}-1`);
        settled++;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        logger.info({ beneficiary: id, code: error.code, field: error.field }, "demo: no settled claim for this beneficiary (the pack lacks a figure)");
      }
    }
  }
  return settled + (await loadCharityDemo(services));
}

/** A 乐清 低保 household's year: a 400,000 bill after which 70,000 is the charity's (乐政办发〔2022〕41号 三(三)11). */
async function yueqingHouseholdWithCharity(services: Services, id: string, name: string, township: string | null, year: number): Promise<void> {
  const demo = Principal.system("demo");
  await services.beneficiaries.upsert(demo, { id, jurisdiction: "yueqing", name, township, nationalId: null, identities: [{ category: "DIBAO", from: `${year}-01-01`, to: null }], applications: [] });
  await services.claims.submit(demo, {
    id: `${id}-1`,
    beneficiaryId: id,
    date: `${year}-05-01`,
    kind: "INPATIENT",
    fees: { total: "400000.00", outOfCatalog: "40000.00", classBSelfPay: "10000.00", overStandard: "0.00" },
    reported: { basic: "150000.00", critical: "0.00", commercial: "30000.00" },
  });
  await services.settlements.settleClaim(demo, `${id}-1`);
}

/** The charity part of the demo; every step is idempotent, so `--demo` can run again. Returns the claims settled. */
async function loadCharityDemo(services: Services): Promise<number> {
  const pack = services.packs.activePacks().find((p) => p.id === "yueqing");
  if (!pack) return 0;
  const year = Number(pack.document.inForce.appliesFrom.slice(0, 4)) + 1;
  const office = new Principal("demo", "CHARITY", []);
  await yueqingHouseholdWithCharity(services, "DEMO-YQ-CHARITY-1", "示例 乐清 低保户（柳市镇）", "柳市镇", year);
  await yueqingHouseholdWithCharity(services, "DEMO-YQ-CHARITY-2", "示例 乐清 低保户（待化解）", null, year);
  await services.charity.createFund(office, { id: "DEMO-YQ-CITY", name: "乐清市慈善医疗救助共富基金", kind: "CITY", jurisdiction: "yueqing" });
  await services.charity.createFund(office, { id: "DEMO-YQ-LIUSHI", name: "柳市镇专项共富基金", kind: "TOWNSHIP", jurisdiction: "yueqing", township: "柳市镇" });
  await services.charity.recordIncome(office, { requestId: "demo-income-city-1", fundId: "DEMO-YQ-CITY", type: "GRANT", amount: "100000.00", reason: "市慈善总会年度拨款（示例）" });
  await services.charity.recordIncome(office, { requestId: "demo-income-liushi-1", fundId: "DEMO-YQ-LIUSHI", type: "DONATION", amount: "30000.00", reason: "乡贤捐赠（示例）" });
  await services.charity.allocate(office, { requestId: "demo-allocation-1", entitlementId: `yueqing:${entitlementIdOf("DEMO-YQ-CHARITY-1", year)}`, reason: "年度自负超过 5 万元部分化解（示例）" });
  return 2;
}
