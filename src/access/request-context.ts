/**
 * What a resolver receives with each request: who is calling, and the request's loaders of the
 * domains it reads (one statement per relation of a page of rows, nothing cached across requests).
 * Each domain names the loaders it uses; the gateway's context holds them all.
 */
import type { Principal } from "./principal";

export interface RequestContext<TLoaders = unknown> {
  principal: Principal;
  loaders: TLoaders;
}
