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
import { SettlementEvents } from "../settlement/settlement-events";
import { DEFAULT_CONSUMER_OPTIONS, OutboxConsumer } from "../outbox/outbox-consumer";
import { remoteSink } from "../outbox/remote-sink";
import { remoteCharityAllocations } from "../settlement/remote-charity-allocations";
import { SETTLEMENT_RECORDED } from "../outbox/settlement-recorded";
import { CHARITY_CONSUMER, SETTLEMENTS_PRINCIPAL, inProcessCharitySink } from "../charity/settlement-intake";
import { DEFAULT_API_KEY_CACHE_SECONDS } from "../lib/config";
import type { BillLimits, JobRunnerConfig } from "../lib/config";
import { JobService } from "../jobs/job.service";

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
  /** Jurisdiction-wide jobs (previews, re-settlements), run by a JobRunner. */
  jobs: JobService;
  premium: PremiumService;
  webhooks: WebhookService;
  alerts: RiskAlertService;
  /** Hands settlement events to the charity (in-process, or to the charity process's POST /events). */
  charityEvents: OutboxConsumer;
  /**
   * Publishes, once, the settlement events the charity has never had (a database upgraded from
   * before it kept its own record); null when nothing was requested. Run at start (openServices).
   */
  backfillCharityEvents: () => Promise<number | null>;
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
  /**
   * Where the charity runs apart: its POST /events URL, the base of its GET /allocations, the
   * subgraph secret, and how long to wait for an allocations answer; absent: in this process.
   */
  remoteCharity?: { eventsUrl: string; allocationsUrl: string; secret: string; timeoutMillis?: number } | null;
  /** The first retry of an undelivered charity event waits this long, and no retry longer than the most (tests shorten them). */
  charityRetryBaseMillis?: number;
  charityRetryMaxMillis?: number;
  /** Households per job chunk (JOB_CHUNK_HOUSEHOLDS). */
  jobs?: Pick<JobRunnerConfig, "chunkHouseholds">;
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
  const charity = new CharityService(dataSource, transactions, packs, audit);
  // Every stored settlement is an event in the outbox, in its transaction; the charity keeps its
  // entitlements from those events, delivered after the commit (awaited in one process).
  const outbox = new Outbox(dataSource, transactions);
  outbox.subscribe(CHARITY_CONSUMER, [SETTLEMENT_RECORDED]);
  const remote = options.remoteCharity ?? null;
  const charityEvents = new OutboxConsumer(CHARITY_CONSUMER, dataSource, transactions, remote ? remoteSink(remote.eventsUrl, remote.secret, SETTLEMENTS_PRINCIPAL) : inProcessCharitySink(charity), {
    ...DEFAULT_CONSUMER_OPTIONS,
    retryBaseMillis: options.charityRetryBaseMillis ?? DEFAULT_CONSUMER_OPTIONS.retryBaseMillis,
    maxRetryMillis: options.charityRetryMaxMillis ?? DEFAULT_CONSUMER_OPTIONS.maxRetryMillis,
    awaitKick: remote === null,
  });
  const settlementEvents = new SettlementEvents(outbox, packs, people);
  settlementEvents.afterCommit.push(() => charityEvents.afterCommit());
  settlements.settlementsWritten.push((manager, written) => settlementEvents.record(manager, written));
  // Re-settling for a record change must not take back what the charity allocated, unless confirmed:
  // the charity answers in this process, or over HTTP from its own.
  settlements.charityAllocations = remote
    ? remoteCharityAllocations(remote.allocationsUrl, remote.secret, SETTLEMENTS_PRINCIPAL, remote.timeoutMillis)
    : { allocatedTo: (beneficiaryId, year) => charity.allocatedTo(beneficiaryId, year) };
  const governance = new RuleGovernanceService(dataSource, transactions, packs, settlements, audit, options.scenariosDir ?? undefined);
  const jobs = new JobService(dataSource, transactions, packs, governance, settlements, audit, options.jobs);
  // Issue 13's 补差: an activation re-settles the years with provisional lines, as jobs anyone can see and cancel.
  governance.afterActivation.push((principal, packId, version) => jobs.startProvisionalResettlements(principal, packId, version));
  const premium = new PremiumService(packs, people);
  const webhooks = new WebhookService(dataSource, transactions, outbox, audit, {
    ...DEFAULT_WEBHOOK_OPTIONS,
    retryBaseMillis: options.webhookRetryBaseMillis ?? DEFAULT_WEBHOOK_OPTIONS.retryBaseMillis,
    timeoutMillis: options.webhookTimeoutMillis ?? DEFAULT_WEBHOOK_OPTIONS.timeoutMillis,
    maxPerKey: options.webhookMaxPerKey ?? DEFAULT_WEBHOOK_OPTIONS.maxPerKey,
    maxInFlightPerKey: options.webhookInFlightPerKey ?? DEFAULT_WEBHOOK_OPTIONS.maxInFlightPerKey,
    targets: new WebhookTargets(options.webhookAllowedTargets),
  });
  const alerts = new RiskAlertService(dataSource, packs, webhooks, audit);
  settlements.afterSettlement.push((manager, bills) => alerts.afterSettlement(manager, bills));
  // Partners that follow their cases hear of each settlement: its outbox event is written in its transaction.
  settlements.afterSettlement.push(async (manager, bills) => {
    const unknown = bills.filter((bill) => !bill.settlement).map((bill) => bill.claim.id);
    const read = new Map((await settlements.repository.currentOfClaims(manager, unknown)).map((s) => [s.claimId, s]));
    const events = bills.flatMap(({ claim, settlement }) => {
      const current = settlement ?? read.get(claim.id);
      return current ? [{ jurisdiction: claim.jurisdiction, data: { claimId: partnerId(claim.id), beneficiaryId: partnerId(claim.beneficiaryId), settlementId: current.id, packId: current.packId, packVersion: current.packVersion, selfPay: formatAmount(current.selfPay) } }] : [];
    });
    await webhooks.enqueueMany(manager, "settlement.created", events);
  });
  charity.afterAllocation = (manager, jurisdiction, data) => webhooks.enqueue(manager, "charity.allocated", jurisdiction, data);
  const backfillCharityEvents = () => settlementEvents.backfill(CHARITY_CONSUMER);
  return { dataSource, transactions, audit, apiKeys, packs, beneficiaries, people, settlements, claims, charity, governance, jobs, premium, webhooks, alerts, charityEvents, backfillCharityEvents };
}
