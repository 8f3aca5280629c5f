/**
 * GraphQL queries and mutations on beneficiaries. Resolvers call services; relations go through the
 * request's DataLoaders.
 */
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { decodeCursor } from "../lib/graphql";
import { JURISDICTION_ARG, onlyOne, partnerId } from "../access/tenant-ids";
import type { BeneficiaryEntity } from "./beneficiary.entity";
import { Beneficiary, BeneficiaryConnection, BeneficiaryFilter, BeneficiaryInput, CategoryPeriod, EndCategoryPeriodInput, ProgramApplication, RemoveApplicationInput, RemoveCategoryPeriodInput } from "./beneficiary.types";
import { pageOf, pageSize } from "../lib/connection";
import type { RequestContext } from "../access/request-context";
import type { BeneficiaryService } from "./beneficiary.service";
import type { BeneficiaryLoaders } from "./beneficiary.loaders";

/** What this resolver reads per request. */
type ResolverContext = RequestContext<BeneficiaryLoaders>;

/** The services this resolver calls (the gateway hands it all of them). */
interface ResolverServices { beneficiaries: BeneficiaryService }

@Resolver(() => Beneficiary)
export class BeneficiaryResolver {
  constructor(private readonly services: ResolverServices) {}

  @Query(() => Beneficiary, { nullable: true, description: "A beneficiary, or null when there is none the key may see." })
  async beneficiary(
    @Arg("id", () => ID) id: string,
    @Ctx() { principal, loaders }: ResolverContext,
    @Arg("jurisdiction", () => String, JURISDICTION_ARG) jurisdiction?: string,
  ): Promise<BeneficiaryEntity | null> {
    const found = await loaders.beneficiary.loadMany(this.services.beneficiaries.keysFor(principal, id, jurisdiction));
    return onlyOne(found.filter((b): b is BeneficiaryEntity => b !== null && !(b instanceof Error)), "beneficiary", id, "jurisdiction");
  }

  @Query(() => BeneficiaryConnection, { description: "Beneficiaries in id order, a page at a time (Relay cursors)." })
  async beneficiaries(
    @Ctx() { principal, loaders }: ResolverContext,
    @Arg("filter", () => BeneficiaryFilter, { nullable: true }) filter?: BeneficiaryFilter,
    @Arg("first", () => Int, { defaultValue: 20 }) first = 20,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ): Promise<BeneficiaryConnection> {
    const limit = pageSize(first);
    const rows = await this.services.beneficiaries.page(principal, {
      jurisdiction: filter?.jurisdiction,
      category: filter?.category,
      idPrefix: filter?.idPrefix,
      afterId: after ? decodeCursor(after) : undefined,
      limit,
    });
    for (const row of rows.slice(0, limit)) loaders.beneficiary.prime(row.id, row);
    return pageOf(rows as Beneficiary[], limit, (row) => row.id);
  }

  @Mutation(() => Beneficiary, { description: "Creates or updates a beneficiary (PARTNER for its jurisdictions, ADMIN)." })
  async upsertBeneficiary(@Arg("input", () => BeneficiaryInput) input: BeneficiaryInput, @Ctx() { principal }: ResolverContext): Promise<BeneficiaryEntity> {
    return this.services.beneficiaries.upsert(principal, input);
  }

  @Mutation(() => Beneficiary, { description: "Ends a recorded category period earlier, with a reason (PARTNER for its jurisdictions, ADMIN)." })
  async endCategoryPeriod(@Arg("input", () => EndCategoryPeriodInput) input: EndCategoryPeriodInput, @Ctx() { principal }: ResolverContext): Promise<BeneficiaryEntity> {
    return this.services.beneficiaries.endPeriod(principal, input);
  }

  @Mutation(() => Beneficiary, { description: "Removes a category period recorded in error, with a reason (PARTNER for its jurisdictions, ADMIN)." })
  async removeCategoryPeriod(@Arg("input", () => RemoveCategoryPeriodInput) input: RemoveCategoryPeriodInput, @Ctx() { principal }: ResolverContext): Promise<BeneficiaryEntity> {
    return this.services.beneficiaries.endPeriod(principal, { ...input, to: null });
  }

  @Mutation(() => Beneficiary, { description: "Removes an application recorded in error, with a reason (PARTNER for its jurisdictions, ADMIN)." })
  async removeApplication(@Arg("input", () => RemoveApplicationInput) input: RemoveApplicationInput, @Ctx() { principal }: ResolverContext): Promise<BeneficiaryEntity> {
    return this.services.beneficiaries.removeApplication(principal, input);
  }

  @FieldResolver(() => ID, { description: "The partner's own id, unique within the jurisdiction." })
  id(@Root() beneficiary: BeneficiaryEntity): string {
    return partnerId(beneficiary.id);
  }

  @FieldResolver(() => String, { nullable: true, description: "The resident ID number; masked except for ADMIN keys." })
  nationalId(@Root() beneficiary: BeneficiaryEntity, @Ctx() { principal }: ResolverContext): string | null {
    return principal.nationalIdAsSeen(beneficiary.nationalId);
  }

  @FieldResolver(() => [CategoryPeriod])
  async identities(@Root() beneficiary: BeneficiaryEntity, @Ctx() { loaders }: ResolverContext): Promise<CategoryPeriod[]> {
    return (await loaders.periods.load(beneficiary.id)).map((p) => ({ category: p.category, from: p.fromDate, to: p.toDate }));
  }

  @FieldResolver(() => [ProgramApplication])
  async applications(@Root() beneficiary: BeneficiaryEntity, @Ctx() { loaders }: ResolverContext): Promise<ProgramApplication[]> {
    return (await loaders.applications.load(beneficiary.id)).map((a) => ({ program: a.program, date: a.date, status: a.status, decidedOn: a.decidedOn }));
  }

  @FieldResolver(() => [CategoryPeriod], { description: "渐退期 (phase-out) periods certified after the person left a category (乐清 三(三)8)." })
  async phaseOuts(@Root() beneficiary: BeneficiaryEntity, @Ctx() { loaders }: ResolverContext): Promise<CategoryPeriod[]> {
    return (await loaders.phaseOuts.load(beneficiary.id)).map((p) => ({ category: p.category, from: p.fromDate, to: p.toDate }));
  }
}
