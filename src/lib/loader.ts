/**
 * Small helpers to build DataLoaders from batch queries: one statement per relation per request.
 */
import DataLoader from "dataloader";

/** A loader of one row per key (null when absent). */
export function oneByKey<K extends string, V>(load: (keys: readonly K[]) => Promise<V[]>, keyOf: (value: V) => K): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const rows = await load(keys);
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** A loader of many rows per key, in the order the query returned them. */
export function manyByKey<K extends string, V>(load: (keys: readonly K[]) => Promise<V[]>, keyOf: (value: V) => K): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => {
    const rows = await load(keys);
    const byKey = new Map<K, V[]>(keys.map((key) => [key, []]));
    for (const row of rows) byKey.get(keyOf(row))?.push(row);
    return keys.map((key) => byKey.get(key) ?? []);
  });
}
