import type { MessageKey } from '../../i18n';

export type Category = 'party' | 'village' | 'finance';

export const CATEGORIES: Category[] = ['party', 'village', 'finance'];

const CATEGORY_KEYS: Record<Category, MessageKey> = {
  party: 'pub.catParty',
  village: 'pub.catVillage',
  finance: 'pub.catFinance',
};

export const categoryKey = (c: Category): MessageKey => CATEGORY_KEYS[c];

const LEVEL_KEYS: Record<number, MessageKey> = {
  1: 'pub.level1',
  2: 'pub.level2',
  3: 'pub.level3',
  4: 'pub.level4',
  5: 'pub.level5',
};

export const levelKey = (level: number): MessageKey => LEVEL_KEYS[level] ?? 'pub.region';

const KIND_KEYS: Record<string, MessageKey> = {
  publish: 'pub.kind.publish',
  correct: 'pub.kind.correct',
  withdraw: 'pub.kind.withdraw',
  redact: 'pub.kind.redact',
};

export const kindKey = (kind: string): MessageKey => KIND_KEYS[kind] ?? 'pub.entryKind';

export function isCategory(value: unknown): value is Category {
  return value === 'party' || value === 'village' || value === 'finance';
}
