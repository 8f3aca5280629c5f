/**
 * GraphQL: the rule pack versions a gateway knows.
 */
import { Ctx, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../gateway/context";
import type { Services } from "../gateway/services";
import { RulePack } from "./rule-pack.types";

@Resolver(() => RulePack)
export class RulePackResolver {
  constructor(private readonly services: Services) {}

  @Query(() => [RulePack], { description: "Every version of every pack the key may see, newest first per pack." })
  async rulePacks(@Ctx() { principal }: GatewayContext): Promise<RulePack[]> {
    const versions = await this.services.packs.listVersions();
    return versions
      .filter((v) => principal.canSee(v.packId))
      .map((v) => {
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
        };
      });
  }
}
