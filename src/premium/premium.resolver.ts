/**
 * GraphQL: premium subsidies of a person and of a jurisdiction's year.
 */
import { Arg, Ctx, Int, Query, Resolver } from "type-graphql";
import { PremiumSubsidy, PremiumSubsidyReport } from "./premium.types";
import { JURISDICTION_ARG } from "../access/tenant-ids";
import { clauseText } from "../engine/citation";
import { ParameterOverride } from "../settlement/settlement.types";
import type { RequestContext } from "../access/request-context";
import type { PremiumService } from "./premium.service";

/** What this resolver reads per request. */
type ResolverContext = RequestContext;

/** The services this resolver calls (the gateway hands it all of them). */
interface ResolverServices { premium: PremiumService }

@Resolver(() => PremiumSubsidy)
export class PremiumResolver {
  constructor(private readonly services: ResolverServices) {}

  @Query(() => PremiumSubsidy, { description: "资助参保 of a beneficiary for a year, with the rule and clause." })
  async premiumSubsidy(
    @Arg("beneficiaryId") beneficiaryId: string,
    @Arg("year", () => Int) year: number,
    @Ctx() { principal }: ResolverContext,
    @Arg("jurisdiction", () => String, JURISDICTION_ARG) jurisdiction?: string,
    @Arg("parameters", () => [ParameterOverride], { nullable: true, description: "A what-if: pack parameters tried with other values (nothing is stored)." }) parameters?: ParameterOverride[] | null,
  ): Promise<PremiumSubsidy> {
    const overrides = parameters ? Object.fromEntries(parameters.map((p) => [p.id, p.value])) : {};
    const result = await this.services.premium.forPerson(principal, beneficiaryId, year, jurisdiction, overrides);
    return { ...result, clause: clauseText(result.document, result.clause), share: result.share?.toString() ?? null, missingParameters: result.missing };
  }

  @Query(() => PremiumSubsidyReport, { description: "Count and total per category of a jurisdiction's year." })
  async premiumSubsidyReport(@Arg("jurisdiction") jurisdiction: string, @Arg("year", () => Int) year: number, @Ctx() { principal }: ResolverContext): Promise<PremiumSubsidyReport> {
    const report = await this.services.premium.report(principal, jurisdiction, year);
    return { ...report, rows: report.rows.map((row) => ({ ...row, missingParameters: row.missing })) };
  }
}
