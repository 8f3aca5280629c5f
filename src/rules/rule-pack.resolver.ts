/**
 * GraphQL: rule pack versions, and their governance (publish, preview, activate, roll back) and
 * the audit log, for administrators.
 */
import { Arg, Ctx, Int, Mutation, Query, Resolver } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { decodeCursor } from "../lib/graphql";
import { pageOf, pageSize } from "../lib/connection";
import type { RulePackVersionEntity } from "./rule-pack-version.entity";
import { AuditConnection, PackPreview, PublishResult, RulePack } from "./rule-pack.types";
import type { RequestContext } from "../access/request-context";
import type { RuleGovernanceService } from "./rule-governance.service";
import type { RulePackService } from "./rule-pack.service";

/** What this resolver reads per request. */
type ResolverContext = RequestContext;

/** The services this resolver calls (the gateway hands it all of them). */
interface ResolverServices { governance: RuleGovernanceService; packs: RulePackService }

/** The GraphQL view of a stored version. */
export function rulePackView(v: RulePackVersionEntity): RulePack {
  const document = JSON.parse(v.document);
  return {
    id: v.packId,
    version: v.version,
    status: v.status,
    title: document.title,
    jurisdictionName: document.jurisdiction.name,
    sourceDocument: document.source.document,
    appliesFrom: v.inForceFrom,
    inForceTo: v.inForceTo,
    hash: v.hash,
    publishedAt: v.publishedAt,
    activatedAt: v.activatedAt,
    publishedBy: v.publishedBy,
    retiredBy: v.retiredBy,
    retiredAt: v.retiredAt,
    document,
  };
}

@Resolver(() => RulePack)
export class RulePackResolver {
  constructor(private readonly services: ResolverServices) {}

  @Query(() => [RulePack], { description: "Every version of every pack the key may see, newest first per pack." })
  async rulePacks(@Ctx() { principal }: ResolverContext): Promise<RulePack[]> {
    return (await this.services.packs.listVersions(principal)).map(rulePackView);
  }

  @Mutation(() => PublishResult, { description: "Publishes a new version as a DRAFT after checking it (ADMIN). Attached scenarios replace stored ones of the same name." })
  async publishRulePack(
    @Arg("document", () => GraphQLJSONObject) document: Record<string, unknown>,
    @Ctx() { principal }: ResolverContext,
    @Arg("scenarios", () => [GraphQLJSONObject], { nullable: true }) scenarios?: Array<Record<string, unknown>>,
  ): Promise<PublishResult> {
    const report = await this.services.governance.publish(principal, document, scenarios ?? []);
    return { pack: rulePackView(report.version), scenariosChecked: report.scenariosChecked, scenariosReplaced: report.scenariosReplaced };
  }

  @Query(() => PackPreview, { description: "What a version would change on the stored settlements of its jurisdiction (ADMIN)." })
  previewRulePack(@Arg("id") id: string, @Arg("version", () => Int) version: number, @Ctx() { principal }: ResolverContext): Promise<PackPreview> {
    return this.services.governance.preview(principal, id, version);
  }

  @Mutation(() => RulePack, { description: "Activates a version atomically; other gateway instances follow within seconds (ADMIN)." })
  async activateRulePack(@Arg("id") id: string, @Arg("version", () => Int) version: number, @Ctx() { principal }: ResolverContext): Promise<RulePack> {
    return rulePackView(await this.services.governance.activate(principal, id, version));
  }

  @Mutation(() => [RulePack], { description: "Re-activates the version(s) the latest activation retired (ADMIN). Returns the active versions." })
  async rollbackRulePack(@Arg("id") id: string, @Ctx() { principal }: ResolverContext): Promise<RulePack[]> {
    return (await this.services.governance.rollback(principal, id)).map(rulePackView);
  }

  @Query(() => AuditConnection, { description: "The audit log, newest first (ADMIN)." })
  async auditLog(@Ctx() { principal }: ResolverContext, @Arg("first", () => Int, { defaultValue: 20 }) first = 20, @Arg("after", () => String, { nullable: true }) after?: string): Promise<AuditConnection> {
    const limit = pageSize(first);
    const rows = await this.services.governance.auditLog(principal, limit, after ? Number(decodeCursor(after)) : undefined);
    return pageOf(rows.map((row) => ({ ...row, detail: JSON.parse(row.detail) })), limit, (row) => String(row.id));
  }
}
