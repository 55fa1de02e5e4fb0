/** A field-by-field and line-by-line difference between two revisions. */
/** Content fields hold text, numbers or null. */
export type FieldValue = string | number | null;

export interface FieldChange {
  field: string;
  from: FieldValue;
  to: FieldValue;
}

export interface ListDiff<T, K extends string | number> {
  added: T[];
  removed: T[];
  changed: { key: K; changes: FieldChange[] }[];
}

export function diffFields(
  from: Record<string, unknown>,
  to: Record<string, unknown>,
  fields: string[],
): FieldChange[] {
  return fields
    .filter((f) => JSON.stringify(from[f]) !== JSON.stringify(to[f]))
    .map((f) => ({ field: f, from: from[f] as FieldValue, to: to[f] as FieldValue }));
}

/** Pairs items by key: added, removed, and per-field changes of the ones in both. */
export function diffLists<T extends object, K extends string | number>(
  from: T[],
  to: T[],
  keyOf: (item: T) => K,
): ListDiff<T, K> {
  const before = new Map(from.map((i) => [keyOf(i), i]));
  const after = new Map(to.map((i) => [keyOf(i), i]));
  const changed: ListDiff<T, K>['changed'] = [];
  for (const [key, item] of after) {
    const old = before.get(key);
    if (!old) continue;
    const changes = diffFields(old as Record<string, unknown>, item as Record<string, unknown>, Object.keys(item));
    if (changes.length) changed.push({ key, changes });
  }
  return {
    added: to.filter((i) => !before.has(keyOf(i))),
    removed: from.filter((i) => !after.has(keyOf(i))),
    changed,
  };
}
