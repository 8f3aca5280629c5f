/**
 * Settings of the pages for people (the charity office's page, the 化解清单 links): who issues a
 * jurisdiction's statement, the secret that signs statement links, and how long links and
 * sign-ins last. Read with the rest of the configuration (src/lib/config.ts).
 */
import { randomBytes } from "node:crypto";

export interface PagesConfig {
  /** The issuing body printed on a jurisdiction's 化解清单, by pack id; none: a blank line to fill in by hand. */
  statementIssuers: Readonly<Record<string, string>>;
  /** Signs statement links (HMAC-SHA256). */
  linkSecret: Buffer;
  /** False when no STATEMENT_LINK_SECRET was set: links then die with the process and differ per instance. */
  linkSecretConfigured: boolean;
  linkMinutes: number;
  sessionMinutes: number;
}

function minutes(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    problems.push(`${name}: minutes from 1 to ${max} (got "${raw}")`);
    return fallback;
  }
  return Number(raw);
}

/** `yueqing=乐清市慈善总会;liaocheng=聊城市医疗保障局` → by pack id. */
function issuers(raw: string, problems: string[]): Record<string, string> {
  const byPack: Record<string, string> = {};
  for (const pair of raw.split(";").map((p) => p.trim()).filter(Boolean)) {
    const [pack, name] = pair.split("=").map((p) => p?.trim());
    if (!pack || !name || name.length > 60) problems.push(`STATEMENT_ISSUERS: "${pair}" is not PACK=NAME (a name of at most 60 characters)`);
    else byPack[pack] = name;
  }
  return byPack;
}

export function readPagesConfig(env: NodeJS.ProcessEnv, problems: string[]): PagesConfig {
  const secret = env.STATEMENT_LINK_SECRET ?? "";
  if (secret && secret.length < 32) problems.push("STATEMENT_LINK_SECRET: at least 32 characters");
  return {
    statementIssuers: issuers(env.STATEMENT_ISSUERS ?? "", problems),
    linkSecret: secret ? Buffer.from(secret) : randomBytes(32),
    linkSecretConfigured: secret !== "",
    linkMinutes: minutes(env, "STATEMENT_LINK_MINUTES", 30, 7 * 24 * 60, problems),
    sessionMinutes: minutes(env, "CHARITY_SESSION_MINUTES", 480, 24 * 60, problems),
  };
}
