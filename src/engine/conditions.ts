/**
 * Walking a json-rules-engine condition tree: the pack compiler checks the words it tests, and the
 * transitional periods a rule depends on are read from it.
 */

/** Calls `visit` for every fact test in a condition tree. */
export function walkConditions(condition: unknown, visit: (fact: string, value: unknown, operator: unknown) => void): void {
  if (condition === null || typeof condition !== "object") return;
  const node = condition as Record<string, unknown>;
  if (typeof node.fact === "string") visit(node.fact, node.value, node.operator);
  for (const key of ["all", "any"]) if (Array.isArray(node[key])) for (const child of node[key] as unknown[]) walkConditions(child, visit);
  if (node.not) walkConditions(node.not, visit);
}
