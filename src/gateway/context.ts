/**
 * The per-request context: who is calling, and the request's DataLoaders (so that every relation of
 * a page of rows is read in one statement, and nothing is cached across requests).
 */
import type { Principal } from "../access/principal";
import type { Loaders } from "./loaders";

export interface GatewayContext {
  principal: Principal;
  loaders: Loaders;
}
