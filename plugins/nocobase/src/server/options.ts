/**
 * The plugin's settings. A NocoBase administrator sets them as plugin options or, more usually, as
 * environment variables in NocoBase's `.env`; options win over the environment.
 */
import * as path from "node:path";

export interface SettlementPluginOptions {
  /** Name of the case collection. */
  collection: string;
  /**
   * Whether the plugin defines the case collection. False binds to a collection the administrator
   * made in NocoBase's collection manager, which must then have the fields listed in the README.
   */
  defineCollection: boolean;
  /** The gateway's base URL (gateway mode), or null to settle in-process (library mode). */
  gatewayUrl: string | null;
  /** The PARTNER key the plugin presents to the gateway. */
  gatewayKey: string | null;
  /** Directory of rule packs for library mode. */
  rulesDir: string;
  /** Prefix of the claim ids the plugin settles under, so that several NocoBase apps can share a gateway. */
  claimIdPrefix: string;
}

/** Where `npm run build` puts the packs shipped with the plugin. */
export const BUNDLED_RULES_DIR = path.resolve(__dirname, "..", "..", "..", "..", "..", "rules-json");

const text = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value.trim() : null);

/** Reads the options given to the plugin, falling back to MEDASSIST_* environment variables. */
export function readOptions(given: Record<string, unknown>, env: NodeJS.ProcessEnv, appName: string): SettlementPluginOptions {
  const gatewayUrl = text(given.gatewayUrl) ?? text(env.MEDASSIST_GATEWAY_URL);
  const gatewayKey = text(given.gatewayKey) ?? text(env.MEDASSIST_GATEWAY_KEY);
  if (gatewayUrl && !gatewayKey) throw new Error("medassist settlement: a gateway URL is set but no gateway key (MEDASSIST_GATEWAY_KEY)");
  const defineCollection = given.defineCollection ?? env.MEDASSIST_DEFINE_COLLECTION;
  return {
    collection: text(given.collection) ?? text(env.MEDASSIST_CASE_COLLECTION) ?? "medassistCases",
    defineCollection: defineCollection === undefined ? true : defineCollection === true || defineCollection === "true",
    gatewayUrl,
    gatewayKey,
    rulesDir: text(given.rulesDir) ?? text(env.MEDASSIST_RULES_DIR) ?? BUNDLED_RULES_DIR,
    claimIdPrefix: text(given.claimIdPrefix) ?? text(env.MEDASSIST_CLAIM_ID_PREFIX) ?? `nocobase-${appName}-case-`,
  };
}
