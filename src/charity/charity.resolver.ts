/**
 * GraphQL: the charity federation's funds, entitlements, allocations, reports and statements.
 */
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { withFieldsRenamed } from "../lib/errors";
import { decodeCursor, DateScalar } from "../lib/graphql";
import { pageOf, pageSize } from "../lib/connection";
import { Money } from "../lib/money";
import { JURISDICTION_ARG, partnerId, partnerIdOrNull } from "../access/tenant-ids";
import type { CharityFundEntity, EntitlementEntity, EntitlementStatus, LedgerEntryEntity } from "./charity.entity";
import { EntitlementStatusEnum } from "../gateway/enums";
import {
  AllocationPlanPart,
  AllocationResult,
  CharityEntitlement,
  CharityFund,
  CharityFundInput,
  EntitlementConnection,
  FundIncomeInput,
  FundReport,
  FundTransferInput,
  LedgerConnection,
  LedgerResult,
  ResolutionStatement,
  ReversalInput,
} from "./charity.types";
import type { RequestContext } from "../access/request-context";
import type { CharityService } from "./charity.service";
import type { DataSource } from "typeorm";

/** What this resolver reads per request. */
type ResolverContext = RequestContext;

/** The services this resolver calls (the gateway hands it all of them). */
interface ResolverServices { charity: CharityService; dataSource: DataSource }

/** Rows as partners see them: beneficiary and claim by their own ids (tenant-ids). */
export function entitlementView(row: EntitlementEntity): CharityEntitlement {
  return { ...row, beneficiaryId: partnerId(row.beneficiaryId), claimId: partnerIdOrNull(row.claimId) };
}

function ledgerEntryView(row: LedgerEntryEntity): LedgerEntryEntity {
  return { ...row, beneficiaryId: partnerIdOrNull(row.beneficiaryId), claimId: partnerIdOrNull(row.claimId) };
}

@Resolver(() => CharityFund)
export class CharityResolver {
  constructor(private readonly services: ResolverServices) {}

  @Query(() => [CharityFund], { description: "The funds the key may see, with their balances." })
  charityFunds(@Ctx() { principal }: ResolverContext, @Arg("jurisdiction", () => String, { nullable: true }) jurisdiction?: string): Promise<CharityFundEntity[]> {
    return this.services.charity.funds(principal, jurisdiction);
  }

  @FieldResolver(() => LedgerConnection, { description: "The fund's ledger, newest first." })
  async ledger(
    @Root() fund: CharityFundEntity,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ): Promise<LedgerConnection> {
    const limit = pageSize(first);
    const beforeId = after ? Number(decodeCursor(after)) : undefined;
    const rows = await this.services.charity.repository.ledgerPage(this.services.dataSource.manager, fund.id, limit, beforeId);
    return pageOf(rows.map(ledgerEntryView), limit, (row) => String(row.id));
  }

  @Query(() => EntitlementConnection, { description: "Households waiting for a top-up, largest outstanding first." })
  async charityEntitlements(
    @Ctx() { principal }: ResolverContext,
    @Arg("status", () => [EntitlementStatusEnum], { nullable: true, description: "Default OPEN and PARTIAL." }) status?: EntitlementStatus[],
    @Arg("jurisdiction", () => String, { nullable: true }) jurisdiction?: string,
    @Arg("first", () => Int, { defaultValue: 20 }) first = 20,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ): Promise<EntitlementConnection> {
    const limit = pageSize(first);
    const statuses = status ?? ["OPEN", "PARTIAL"];
    let cursor: { outstanding: string; id: string } | undefined;
    if (after) {
      const [outstanding, ...id] = decodeCursor(after).split("|");
      cursor = { outstanding, id: id.join("|") };
    }
    const rows = await this.services.charity.entitlements(principal, { statuses, jurisdiction, limit, after: cursor });
    return pageOf(rows.map(entitlementView), limit, (e) => `${e.outstanding.toFixed(2)}|${e.id}`);
  }

  @Query(() => FundReport, { description: "A fund's income, allocations and households served between two dates." })
  fundReport(
    @Arg("fundId") fundId: string,
    @Arg("from", () => DateScalar) from: string,
    @Arg("to", () => DateScalar) to: string,
    @Ctx() { principal }: ResolverContext,
  ): Promise<FundReport> {
    return this.services.charity.fundReport(principal, fundId, from, to);
  }

  @Query(() => ResolutionStatement, { description: "化解清单 of a household's year." })
  async resolutionStatement(
    @Arg("beneficiaryId") beneficiaryId: string,
    @Arg("year", () => Int) year: number,
    @Ctx() { principal }: ResolverContext,
    @Arg("jurisdiction", () => String, JURISDICTION_ARG) jurisdiction?: string,
  ): Promise<ResolutionStatement> {
    return this.services.charity.statement(principal, beneficiaryId, year, jurisdiction);
  }

  @Mutation(() => CharityFund, { description: "Opens a fund (ADMIN, CHARITY); the same details again return it." })
  createCharityFund(@Arg("input", () => CharityFundInput) input: CharityFundInput, @Ctx() { principal }: ResolverContext): Promise<CharityFundEntity> {
    return this.services.charity.createFund(principal, input);
  }

  @Mutation(() => LedgerResult, { description: "Records a donation or grant into a fund (CHARITY, ADMIN)." })
  recordFundIncome(@Arg("input", () => FundIncomeInput) input: FundIncomeInput, @Ctx() { principal }: ResolverContext): Promise<LedgerResult> {
    return this.services.charity.recordIncome(principal, { ...input, amount: input.amount.toFixed(2) });
  }

  @Mutation(() => LedgerResult, { description: "Moves money between two funds: two ledger entries in one transaction (CHARITY, ADMIN)." })
  transferBetweenFunds(@Arg("input", () => FundTransferInput) input: FundTransferInput, @Ctx() { principal }: ResolverContext): Promise<LedgerResult> {
    return this.services.charity.transfer(principal, { ...input, amount: input.amount.toFixed(2) });
  }

  @Mutation(() => AllocationResult, { description: "Allocates top-up money to a household's entitlement (CHARITY only), in the pack's fund order or by a plan." })
  async allocateCharity(
    @Arg("entitlementId", () => ID) entitlementId: string,
    @Arg("requestId") requestId: string,
    @Arg("reason") reason: string,
    @Ctx() { principal }: ResolverContext,
    @Arg("plan", () => [AllocationPlanPart], { nullable: true }) plan?: AllocationPlanPart[],
  ): Promise<AllocationResult> {
    // The service names fields from its `input`; here they are the mutation's own arguments.
    const result = await withFieldsRenamed([["input", ""]], () =>
      this.services.charity.allocate(principal, { requestId, entitlementId, reason, plan: plan?.map((p) => ({ fundId: p.fundId, amount: p.amount.toFixed(2) })) ?? null }),
    );
    const entitlement = (await this.services.charity.repository.entitlement(this.services.dataSource.manager, result.entitlementId))!;
    return {
      ...result,
      parts: result.parts.map((p) => ({ ...p, amount: new Money(p.amount) })),
      allocated: new Money(result.allocated),
      shortfall: new Money(result.shortfall),
      entitlement: entitlementView(entitlement),
    };
  }

  @Mutation(() => LedgerResult, { description: "Reverses a ledger entry once, by a new entry pointing at it (CHARITY, ADMIN)." })
  reverseLedgerEntry(@Arg("input", () => ReversalInput) input: ReversalInput, @Ctx() { principal }: ResolverContext): Promise<LedgerResult> {
    return this.services.charity.reverse(principal, input);
  }
}
