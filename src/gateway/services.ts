/**
 * The services of a gateway process, built once at start and shared by all requests.
 */
import type { DataSource } from "typeorm";
import { transactionsOf, type TransactionRunner } from "../lib/db";
import { AuditService } from "../access/audit.service";
import { partnerId } from "../access/tenant-ids";
import { ApiKeyService } from "../access/api-key.service";
import { RulePackService } from "../rules/rule-pack.service";
import { BeneficiaryService } from "../beneficiary/beneficiary.service";
import { BeneficiaryLookup } from "../beneficiary/beneficiary-lookup";
import type { BeneficiarySource } from "../beneficiary/beneficiary-source";
import { InProcessBeneficiarySource } from "../beneficiary/in-process-source";
import { RemoteBeneficiarySource, type RemoteSourceOptions } from "../beneficiary/remote-source";
import { SettlementService } from "../settlement/settlement.service";
import { ClaimService } from "../claim/claim.service";
import { CharityService } from "../charity/charity.service";
import { RuleGovernanceService } from "../rules/rule-governance.service";
import { PremiumService } from "../premium/premium.service";
import { DEFAULT_WEBHOOK_OPTIONS, WebhookService } from "../webhooks/webhook.service";
import { WebhookTargets, type AllowedTarget } from "../webhooks/webhook-targets";
import { Outbox } from "../outbox/outbox";
import { RiskAlertService } from "../warning/risk-alert.service";
import { formatAmount } from "../lib/money";
import { DEFAULT_API_KEY_CACHE_SECONDS } from "../lib/config";
import type { BillLimits } from "../lib/config";

export interface Services {
  dataSource: DataSource;
  transactions: TransactionRunner;
  audit: AuditService;
  apiKeys: ApiKeyService;
  packs: RulePackService;
  beneficiaries: BeneficiaryService;
  /** Where settlements read people's certified records: this process's beneficiaries or a remote owner's. */
  people: BeneficiaryLookup;
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
  /** Internal webhook targets allowed all the same (WEBHOOK_ALLOWED_TARGETS). */
  webhookAllowedTargets?: AllowedTarget[];
  /** Active webhook subscriptions per key (WEBHOOK_MAX_PER_KEY). */
  webhookMaxPerKey?: number;
  /** Webhook deliveries in flight at once per API key (WEBHOOK_IN_FLIGHT_PER_KEY). */
  webhookInFlightPerKey?: number;
  /** How long one webhook request may take (tests lengthen it). */
  webhookTimeoutMillis?: number;
  /** The scenarios new pack versions must pass (default: the project's test/scenarios). */
  scenariosDir?: string | null;
  /** How long a verified API key is trusted without the database (default: DEFAULT_API_KEY_CACHE_SECONDS). */
  apiKeyCacheSeconds?: number;
  /** Bill sizes and counts (default DEFAULT_BILL_LIMITS). */
  billLimits?: BillLimits;
  /** The owner of people's certified records settlements read (BENEFICIARY_SOURCE): null or absent for this process's own. */
  beneficiarySource?: RemoteSourceOptions | null;
}

export function createServices(dataSource: DataSource, options: ServiceOptions = {}): Services {
  const transactions = transactionsOf(dataSource);
  const audit = new AuditService();
  const apiKeys = new ApiKeyService(dataSource, audit, (options.apiKeyCacheSeconds ?? DEFAULT_API_KEY_CACHE_SECONDS) * 1000);
  const packs = new RulePackService(dataSource, audit);
  const beneficiaries = new BeneficiaryService(dataSource, transactions, packs, audit);
  const source: BeneficiarySource = options.beneficiarySource ? new RemoteBeneficiarySource(options.beneficiarySource) : new InProcessBeneficiarySource(dataSource, beneficiaries.repository);
  const people = new BeneficiaryLookup(source, () => packs.jurisdictions());
  const settlements = new SettlementService(dataSource, transactions, packs, people, audit, options.billLimits);
  const claims = new ClaimService(dataSource, transactions, people, (manager, jurisdiction, claim, beneficiary) => settlements.dryRun(manager, jurisdiction, claim, beneficiary), audit, options.billLimits);
  // A category or application recorded with an earlier date re-settles the years it reaches.
  beneficiaries.afterRecordChange.push((manager, principal, beneficiaryId, earliest, confirmReversal) => settlements.replayAfterRecordChange(manager, principal, beneficiaryId, earliest, confirmReversal));
  const charity = new CharityService(dataSource, transactions, packs, beneficiaries, audit);
  // A household's top-up entitlement follows its settlements, in the same transaction.
  settlements.afterSettlement.push((manager, claim) => charity.syncEntitlement(manager, claim.beneficiaryId, claim.jurisdiction, claim.year, claim.id));
  // Re-settling for a record change must not take back what the ledger allocated, unless confirmed.
  settlements.allocatedCharity = (manager, beneficiaryId, year) => charity.allocatedTo(manager, beneficiaryId, year);
  const governance = new RuleGovernanceService(dataSource, transactions, packs, settlements, audit, options.scenariosDir ?? undefined);
  const premium = new PremiumService(packs, people);
  const webhooks = new WebhookService(dataSource, transactions, new Outbox(dataSource, transactions), audit, {
    ...DEFAULT_WEBHOOK_OPTIONS,
    retryBaseMillis: options.webhookRetryBaseMillis ?? DEFAULT_WEBHOOK_OPTIONS.retryBaseMillis,
    timeoutMillis: options.webhookTimeoutMillis ?? DEFAULT_WEBHOOK_OPTIONS.timeoutMillis,
    maxPerKey: options.webhookMaxPerKey ?? DEFAULT_WEBHOOK_OPTIONS.maxPerKey,
    maxInFlightPerKey: options.webhookInFlightPerKey ?? DEFAULT_WEBHOOK_OPTIONS.maxInFlightPerKey,
    targets: new WebhookTargets(options.webhookAllowedTargets),
  });
  const alerts = new RiskAlertService(dataSource, packs, webhooks, audit);
  settlements.afterSettlement.push((manager, claim) => alerts.afterSettlement(manager, claim));
  // Partners that follow their cases hear of each settlement: its outbox event is written in its transaction.
  settlements.afterSettlement.push(async (manager, claim) => {
    const [current] = await settlements.repository.currentOfClaims(manager, [claim.id]);
    if (current) await webhooks.enqueue(manager, "settlement.created", claim.jurisdiction, { claimId: partnerId(claim.id), beneficiaryId: partnerId(claim.beneficiaryId), settlementId: current.id, packId: current.packId, packVersion: current.packVersion, selfPay: formatAmount(current.selfPay) });
  });
  charity.afterAllocation = (manager, jurisdiction, data) => webhooks.enqueue(manager, "charity.allocated", jurisdiction, data);
  return { dataSource, transactions, audit, apiKeys, packs, beneficiaries, people, settlements, claims, charity, governance, premium, webhooks, alerts };
}
