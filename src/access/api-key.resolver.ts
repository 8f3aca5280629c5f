/**
 * GraphQL: the `apikey` command's list, create and revoke for administrators (ADMIN keys only).
 */
import { Arg, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { DateScalar } from "../lib/graphql";
import { expiryFrom, type ApiKeyListing, type ApiKeyService } from "./api-key.service";
import { RoleEnum } from "../gateway/enums";
import type { Role } from "./access.entity";
import type { RequestContext } from "./request-context";

/** What this resolver reads per request. */
type ResolverContext = RequestContext;

/** The services this resolver calls (the gateway hands it all of them). */
interface ResolverServices {
  apiKeys: ApiKeyService;
  /** The jurisdictions a key may be given: those with a rule pack. */
  packs: { jurisdictions(): string[] };
}

@ObjectType({ description: "An API key as an administrator sees it: never the key or its hash." })
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => RoleEnum)
  role!: string;

  @Field(() => [String], { description: "A PARTNER key's jurisdictions; empty for the others (all)." })
  jurisdictions!: string[];

  @Field()
  createdAt!: string;

  @Field(() => String, { nullable: true, description: "When it stops working; null: never." })
  expiresAt!: string | null;

  @Field(() => String, { nullable: true })
  revokedAt!: string | null;

  @Field(() => String, { nullable: true, description: "The last request it authenticated, to the minute." })
  lastUsedAt!: string | null;
}

@ObjectType()
export class CreatedApiKey {
  @Field({ description: "The key in full, shown only now." })
  key!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKeyListing;
}

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  constructor(private readonly services: ResolverServices) {}

  @Query(() => [ApiKey], { description: "Every API key, revoked and expired ones included (ADMIN)." })
  apiKeys(@Ctx() { principal }: ResolverContext): Promise<ApiKeyListing[]> {
    return this.services.apiKeys.list(principal);
  }

  @Mutation(() => CreatedApiKey, { description: "Creates a key (ADMIN); `expires`: refused from that day 00:00 China time, or `days` from now." })
  async createApiKey(
    @Ctx() { principal }: ResolverContext,
    @Arg("role", () => RoleEnum) role: Role,
    @Arg("name") name: string,
    @Arg("jurisdictions", () => [String], { defaultValue: [] }) jurisdictions: string[],
    @Arg("expires", () => DateScalar, { nullable: true }) expires?: string,
    @Arg("days", () => Int, { nullable: true }) days?: number,
  ): Promise<CreatedApiKey> {
    const expiresAt = expiryFrom({ date: expires ?? undefined, days: days ?? undefined });
    const { id, key } = await this.services.apiKeys.create({ role, name, jurisdictions, expiresAt }, principal, this.services.packs.jurisdictions());
    const apiKey = (await this.services.apiKeys.list(principal)).find((k) => k.id === id)!;
    return { key, apiKey };
  }

  @Mutation(() => ApiKey, { description: "Revokes a key (ADMIN): every instance refuses it within API_KEY_CACHE_SECONDS; it stays listed." })
  async revokeApiKey(@Arg("id", () => ID) id: string, @Ctx() { principal }: ResolverContext): Promise<ApiKeyListing> {
    return (await this.services.apiKeys.revoke({ id }, principal)).key;
  }
}
