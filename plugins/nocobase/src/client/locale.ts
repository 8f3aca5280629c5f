/**
 * The client's words. Keys are the English texts; `src/locale/<lang>.json` holds the translations,
 * which NocoBase's server hands to its client under the plugin's package name (the plugin's
 * namespace). Outside NocoBase the host passes the same JSON.
 */
export const NAMESPACE = "@medassist/plugin-settlement";

/** Translates a key; an unknown key reads as itself (the English text). */
export type Translate = (key: string) => string;

export function translator(messages: Record<string, string>): Translate {
  return (key) => messages[key] ?? key;
}
