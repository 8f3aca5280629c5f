/**
 * The gateway's per-request context: the caller, and the loaders of every domain it serves.
 */
import type { RequestContext } from "../access/request-context";
import type { Loaders } from "./loaders";

export type GatewayContext = RequestContext<Loaders>;
