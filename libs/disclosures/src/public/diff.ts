/** A field-by-field and line-by-line difference between two revisions. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface ListDiff<T> {
  added: T[];
  removed: T[];
  changed: { key: string | number; changes: FieldChange[] }[];
}

export function diffFields(
  from: Record<string, unknown>,
  to: Record<string, unknown>,
  fields: string[],
): FieldChange[] {
  return fields
    .filter((f) => JSON.stringify(from[f]) !== JSON.stringify(to[f]))
    .map((f) => ({ field: f, from: from[f], to: to[f] }));
}

/** Pairs items by key: added, removed, and per-field changes of the ones in both. */
export function diffLists<T extends object>(from: T[], to: T[], keyOf: (item: T) => string | number): ListDiff<T> {
  const before = new Map(from.map((i) => [keyOf(i), i]));
  const after = new Map(to.map((i) => [keyOf(i), i]));
  const changed: ListDiff<T>['changed'] = [];
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
