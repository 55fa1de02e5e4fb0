import type { components } from '../../api/schema';
import { type MessageKey, t } from '../../i18n';

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

/** "14 市 · 100 县区 · 1406 乡镇街道 · 16727 村社区": a region's descendants per lower level. */
export function descendantsText(d: components['schemas']['RegionDescendantsDto'] | undefined): string {
  if (!d) return '';
  const parts: string[] = [];
  if (d.city) parts.push(`${d.city} ${t('pub.level2')}`);
  if (d.county) parts.push(`${d.county} ${t('pub.level3')}`);
  if (d.township) parts.push(`${d.township} ${t('pub.level4')}`);
  if (d.village) parts.push(`${d.village} ${t('pub.level5')}`);
  return parts.join(' · ');
}
