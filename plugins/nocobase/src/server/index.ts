/** The plugin's server entry, loaded by NocoBase through `server.js`. */
export { PluginSettlementServer as default, PluginSettlementServer } from "./plugin";
export type { SettlementPluginOptions } from "./options";
