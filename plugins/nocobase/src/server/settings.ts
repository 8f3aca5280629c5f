/**
 * The settings an administrator sets on the plugin's settings page: library or gateway mode, the
 * gateway's URL and key. They are kept in a one-row collection and read on every request, so that a
 * change takes effect without restarting NocoBase; the plugin options and `.env` stay the defaults
 * until the page saves something.
 *
 * The key is write-only: it is a hidden field (NocoBase leaves hidden fields out of every record it
 * returns), and the settings action reports only whether one is set.
 */
import { CaseError } from "./errors";
import type { SettlementPluginOptions } from "./options";

export const SETTINGS_COLLECTION = "medassistSettings";

export type SettlementMode = "library" | "gateway";

/** The settings row; null fields fall back to the plugin options / environment. */
export interface StoredSettings {
  mode: SettlementMode | null;
  gatewayUrl: string | null;
  gatewayKey: string | null;
}

/** What the settings page sees: never the key itself. */
export interface PublicSettings {
  mode: SettlementMode;
  gatewayUrl: string | null;
  gatewayKeySet: boolean;
  /** Where the values in force come from: saved on the settings page, or NocoBase's `.env` / plugin options. */
  source: "settings" | "environment";
}

/** The settings in force: what the page saved, over the options and environment read at start. */
export interface EffectiveSettings {
  mode: SettlementMode;
  gatewayUrl: string | null;
  gatewayKey: string | null;
}

export function settingsCollection(): Record<string, unknown> {
  return {
    name: SETTINGS_COLLECTION,
    title: "医疗救助结算设置",
    fields: [
      { type: "string", name: "mode" },
      { type: "string", name: "gatewayUrl" },
      { type: "text", name: "gatewayKey", hidden: true },
    ],
  };
}

export function effectiveSettings(stored: StoredSettings | null, defaults: SettlementPluginOptions): EffectiveSettings {
  const gatewayUrl = stored?.gatewayUrl ?? defaults.gatewayUrl;
  const gatewayKey = stored?.gatewayKey ?? defaults.gatewayKey;
  const mode = stored?.mode ?? (defaults.gatewayUrl ? "gateway" : "library");
  return { mode, gatewayUrl, gatewayKey };
}

export function publicSettings(stored: StoredSettings | null, defaults: SettlementPluginOptions): PublicSettings {
  const effective = effectiveSettings(stored, defaults);
  return { mode: effective.mode, gatewayUrl: effective.gatewayUrl, gatewayKeySet: Boolean(effective.gatewayKey), source: stored ? "settings" : "environment" };
}

const refuse = (field: string, message: string) => new CaseError("INVALID_INPUT", field, message);

/**
 * The row to store for the values the page sent, checked: gateway mode needs an http(s) URL and a
 * key (sent now, or kept from before). An absent or empty key keeps the key already in force, so
 * that the page never needs to have it.
 */
export function settingsToStore(values: Record<string, unknown>, current: EffectiveSettings): StoredSettings {
  const mode = values.mode;
  if (mode !== "library" && mode !== "gateway") throw refuse("mode", "mode: 须为 library（本地引擎）或 gateway（结算网关） / must be library or gateway");
  const url = typeof values.gatewayUrl === "string" && values.gatewayUrl.trim() !== "" ? values.gatewayUrl.trim() : null;
  if (url !== null && !/^https?:\/\/[^\s/]+/.test(url)) throw refuse("gatewayUrl", "gatewayUrl: 须为 http(s) 地址 / must be an http(s) URL");
  const sentKey = typeof values.gatewayKey === "string" && values.gatewayKey.trim() !== "" ? values.gatewayKey.trim() : null;
  const key = sentKey ?? current.gatewayKey;
  if (mode === "gateway" && !url) throw refuse("gatewayUrl", "gatewayUrl: 网关模式须填写网关地址 / gateway mode needs the gateway's URL");
  if (mode === "gateway" && !key) throw refuse("gatewayKey", "gatewayKey: 网关模式须填写网关密钥 / gateway mode needs the gateway key");
  return { mode, gatewayUrl: url, gatewayKey: key };
}
