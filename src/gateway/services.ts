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
}

export interface ServiceOptions {
  /** The scenarios new pack versions must pass (default: the project's test/scenarios). */
  scenariosDir?: string | null;
}

export function createServices(dataSource: DataSource, options: ServiceOptions = {}): Services {
  const transactions = new TransactionRunner(dataSource);
  const audit = new AuditService();
  const apiKeys = new ApiKeyService(dataSource, audit);
  const packs = new RulePackService(dataSource, audit);
  const beneficiaries = new BeneficiaryService(dataSource, transactions, packs, audit);
  const settlements = new SettlementService(dataSource, transactions, packs, beneficiaries, audit);
  const claims = new ClaimService(dataSource, transactions, beneficiaries, settlements, audit);
  const charity = new CharityService(dataSource, transactions, packs, beneficiaries, audit);
  // A household's top-up entitlement follows its settlements, in the same transaction.
  settlements.afterSettlement.push((manager, claim) => charity.syncEntitlement(manager, claim.beneficiaryId, claim.jurisdiction, claim.year, claim.id));
  const governance = new RuleGovernanceService(dataSource, transactions, packs, settlements, audit, options.scenariosDir ?? undefined);
  const premium = new PremiumService(dataSource, packs, beneficiaries);
  return { dataSource, transactions, audit, apiKeys, packs, beneficiaries, settlements, claims, charity, governance, premium };
}
