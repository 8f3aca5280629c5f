/**
 * POST /api/settlement/settle as one transaction: the beneficiary recorded (when given), the claim
 * submitted and settled. A refusal at any step rolls back every step, so a refused claim leaves no
 * beneficiary (nor its ID number) behind, and an existing beneficiary unchanged.
 */
import type { Principal } from "../access/principal";
import { withFieldsRenamed } from "../lib/errors";
import type { BeneficiaryInput } from "../beneficiary/record-merge";
import type { SettlementEntity } from "../settlement/settlement.entity";
import type { LineRow } from "../settlement/settlement-writes";
import type { Services } from "./services";

export interface SettleRequest {
  beneficiary?: unknown;
  claim: Record<string, unknown>;
}

export function recordAndSettle(services: Services, principal: Principal, request: SettleRequest): Promise<{ settlement: SettlementEntity; lines: LineRow[] }> {
  return services.transactions.run(async (manager) => {
    // The services name fields from their `input` (settling: the `id`); here they are the body's.
    if (request.beneficiary) await withFieldsRenamed([["input", "beneficiary"]], () => services.beneficiaries.upsert(principal, request.beneficiary as BeneficiaryInput, manager));
    // The claim's beneficiary is the one just recorded when given: its jurisdiction names it (tenant-ids).
    const jurisdiction = request.claim.jurisdiction ?? (request.beneficiary as { jurisdiction?: unknown } | undefined)?.jurisdiction;
    // One bill is a batch of one: the same reads, plan and writer as a partner's nightly file.
    const [outcome] = await services.settlements.settleBills(principal, [{ ...request.claim, jurisdiction }], { fieldOf: () => "claim", listField: "claim", transaction: manager });
    if (outcome.error) throw outcome.error;
    return { settlement: outcome.settlement!, lines: outcome.lines! };
  });
}
