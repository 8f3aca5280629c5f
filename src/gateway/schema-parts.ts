/**
 * Every entity and migration of the gateway, in one place for the DataSource.
 */
import { ApplicationEntity, BeneficiaryEntity, CategoryPeriodEntity } from "../beneficiary/beneficiary.entity";
import { ClaimEntity } from "../claim/claim.entity";
import { AdjustmentEntity, SettlementEntity, SettlementLineEntity, YearToDateEntity } from "../settlement/settlement.entity";
import { RulePackVersionEntity } from "../rules/rule-pack-version.entity";
import { ApiKeyEntity, AuditEntryEntity } from "../access/access.entity";
import { CharityFundEntity, EntitlementEntity, LedgerEntryEntity, MoneyRequestEntity } from "../charity/charity.entity";
import { InitialSchema1731000000000 } from "../../migrations/1731000000000-initial-schema";
import { CharityLedger1731100000000 } from "../../migrations/1731100000000-charity-ledger";
import { RuleGovernance1731200000000 } from "../../migrations/1731200000000-rule-governance";
import { AlertsWebhooks1731300000000 } from "../../migrations/1731300000000-alerts-webhooks";
import { WebhookOutbox1731500000000 } from "../../migrations/1731500000000-webhook-outbox";
import { ApiKeyLifecycle1731650000000 } from "../../migrations/1731650000000-api-key-lifecycle";
import { TenantIds1731550000000 } from "../../migrations/1731550000000-tenant-ids";
import { LineCategories1731900000000 } from "../../migrations/1731900000000-line-categories";
import { ClaimInsuredType1732150000000 } from "../../migrations/1732150000000-claim-insured-type";
import { LineAccountYear1732250000000 } from "../../migrations/1732250000000-line-account-year";
import { ApplicationDecisionsPhaseOuts1732270000000 } from "../../migrations/1732270000000-application-decisions-phase-outs";
import { SettlementHouseholds1732290000000 } from "../../migrations/1732290000000-settlement-households";
import { SettlementHouseholdEntity } from "../settlement/household-lock";
import { RiskAlertEntity } from "../warning/risk-alert.entity";
import { WebhookDeliveryEntity, WebhookSubscriptionEntity } from "../webhooks/webhook.entity";
import { OutboxEventEntity, OutboxPendingEntity } from "../outbox/outbox.entity";
import { OutboxBackfillEntity } from "../outbox/outbox-backfill.entity";
import { CharityHouseholdEntity, CharitySettledClaimEntity } from "../charity/settled-claim.entity";
import { CharitySettledClaims1732280000000 } from "../../migrations/1732280000000-charity-settled-claims";
import { Jobs1732320000000 } from "../../migrations/1732320000000-jobs";
import { JobChunkEntity, JobEntity } from "../jobs/job.entity";

export const ENTITIES: Function[] = [
  BeneficiaryEntity,
  CategoryPeriodEntity,
  ApplicationEntity,
  ClaimEntity,
  SettlementEntity,
  SettlementLineEntity,
  YearToDateEntity,
  AdjustmentEntity,
  SettlementHouseholdEntity,
  RulePackVersionEntity,
  ApiKeyEntity,
  AuditEntryEntity,
  CharityFundEntity,
  LedgerEntryEntity,
  EntitlementEntity,
  MoneyRequestEntity,
  RiskAlertEntity,
  WebhookSubscriptionEntity,
  WebhookDeliveryEntity,
  OutboxEventEntity,
  OutboxPendingEntity,
  OutboxBackfillEntity,
  CharitySettledClaimEntity,
  CharityHouseholdEntity,
  JobEntity,
  JobChunkEntity,
];

export const MIGRATIONS: Function[] = [
  InitialSchema1731000000000,
  CharityLedger1731100000000,
  RuleGovernance1731200000000,
  AlertsWebhooks1731300000000,
  WebhookOutbox1731500000000,
  TenantIds1731550000000,
  ApiKeyLifecycle1731650000000,
  LineCategories1731900000000,
  ClaimInsuredType1732150000000,
  LineAccountYear1732250000000,
  ApplicationDecisionsPhaseOuts1732270000000,
  CharitySettledClaims1732280000000,
  SettlementHouseholds1732290000000,
  Jobs1732320000000,
];
