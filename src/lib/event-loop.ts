/**
 * Letting other requests in: a long piece of work awaits this between its steps, so that the event
 * loop answers them (e.g. /healthz) meanwhile. Not inside a SQLite transaction: the one connection
 * would show its uncommitted writes to whatever ran in between.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
