/**
 * A small demo data set: one beneficiary per pack and category (and one ordinary insured), each
 * with a settled inpatient bill where the pack has the figures to settle it.
 */
import { DomainError } from "../lib/errors";
import type { Logger } from "../lib/logger";
import { Principal } from "../access/principal";
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
  return settled;
}
