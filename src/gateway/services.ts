/**
 * The services of a gateway process, built once at start and shared by all requests.
 */
import type { DataSource } from "typeorm";
import { TransactionRunner } from "../lib/db";
import { AuditService } from "../access/audit.service";
import { ApiKeyService } from "../access/api-key.service";
import { RulePackService } from "../rules/rule-pack.service";
import { BeneficiaryService } from "../beneficiary/beneficiary.service";
import { SettlementService } from "../settlement/settlement.service";
import { ClaimService } from "../claim/claim.service";
import { CharityService } from "../charity/charity.service";
import { RuleGovernanceService } from "../rules/rule-governance.service";
import { PremiumService } from "../premium/premium.service";
import { WebhookService } from "../webhooks/webhook.service";
import { RiskAlertService } from "../warning/risk-alert.service";
import { formatAmount } from "../lib/money";
import type { BillLimits } from "../lib/config";

export interface Services {
  dataSource: DataSource;
  transactions: TransactionRunner;
  audit: AuditService;
  apiKeys: ApiKeyService;
  packs: RulePackService;
  beneficiaries: BeneficiaryService;
  settlements: SettlementService;
  claims: ClaimService;
  charity: CharityService;
  governance: RuleGovernanceService;
  premium: PremiumService;
  webhooks: WebhookService;
  alerts: RiskAlertService;
}

export interface ServiceOptions {
  /** Webhook retries: the first waits this long, each next one twice as long. */
  webhookRetryBaseMillis?: number;
  /** The scenarios new pack versions must pass (default: the project's test/scenarios). */
  scenariosDir?: string | null;
  /** Bill sizes and counts (default DEFAULT_BILL_LIMITS). */
  billLimits?: BillLimits;
}

export function createServices(dataSource: DataSource, options: ServiceOptions = {}): Services {
  const transactions = new TransactionRunner(dataSource);
  const audit = new AuditService();
  const apiKeys = new ApiKeyService(dataSource, audit);
  const packs = new RulePackService(dataSource, audit);
  const beneficiaries = new BeneficiaryService(dataSource, transactions, packs, audit);
  const settlements = new SettlementService(dataSource, transactions, packs, beneficiaries, audit, options.billLimits);
  const claims = new ClaimService(dataSource, transactions, beneficiaries, settlements, audit, options.billLimits);
  // A category or application recorded with an earlier date re-settles the years it reaches.
  beneficiaries.afterRecordChange.push((manager, beneficiaryId, earliest, actor) => settlements.replayAfterRecordChange(manager, beneficiaryId, earliest, actor));
  const charity = new CharityService(dataSource, transactions, packs, beneficiaries, audit);
  // A household's top-up entitlement follows its settlements, in the same transaction.
  settlements.afterSettlement.push((manager, claim) => charity.syncEntitlement(manager, claim.beneficiaryId, claim.jurisdiction, claim.year, claim.id));
  const governance = new RuleGovernanceService(dataSource, transactions, packs, settlements, audit, options.scenariosDir ?? undefined);
  const premium = new PremiumService(dataSource, packs, beneficiaries);
  const webhooks = new WebhookService(dataSource, audit, { retryBaseMillis: options.webhookRetryBaseMillis ?? 1000, maxAttempts: 8, timeoutMillis: 5000 });
  const alerts = new RiskAlertService(dataSource, packs, webhooks, audit);
  settlements.afterSettlement.push((manager, claim) => alerts.afterSettlement(manager, claim));
  // Partners that follow their cases hear of each settlement, in the same transaction as it.
  settlements.afterSettlement.push(async (manager, claim) => {
    const [current] = await settlements.repository.currentOfClaims(manager, [claim.id]);
    if (current) await webhooks.enqueue(manager, "settlement.created", claim.jurisdiction, { claimId: claim.id, beneficiaryId: claim.beneficiaryId, settlementId: current.id, packId: current.packId, packVersion: current.packVersion, selfPay: formatAmount(current.selfPay) });
  });
  charity.afterAllocation = (manager, jurisdiction, data) => webhooks.enqueue(manager, "charity.allocated", jurisdiction, data);
  return { dataSource, transactions, audit, apiKeys, packs, beneficiaries, settlements, claims, charity, governance, premium, webhooks, alerts };
}
