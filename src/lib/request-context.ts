/**
 * The request an asynchronous call chain serves, so that every log line written while serving it
 * carries its id without passing a logger through every service.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestContext {
  requestId: string;
  /** The metrics label of the GraphQL operation served, once it is known (see operation-label.ts). */
  operation?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
