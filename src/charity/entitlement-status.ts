/**
 * An entitlement's status from its amount and what was allocated: on its own so that the checks of
 * src/invariants can use it without importing the charity service.
 */
import type { Money } from "../lib/money";
import type { EntitlementStatus } from "./charity.entity";

/** The status an entitlement has for its amount and what was allocated. */
export function entitlementStatus(amount: Money, allocated: Money): EntitlementStatus {
  if (allocated.greaterThan(amount)) return "OVER_ALLOCATED";
  if (allocated.isZero()) return amount.isZero() ? "RESOLVED" : "OPEN";
  return allocated.equals(amount) ? "RESOLVED" : "PARTIAL";
}
