import { ref } from 'vue';

import { en } from './en';
import { zh } from './zh';

export type MessageKey = keyof typeof zh;
export type Locale = 'zh-CN' | 'en';

const STORAGE_KEY = 'sunshine.locale';
const catalogs: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zh, en };

/** The page language: Chinese by default, English by choice (kept between visits). */
export const locale = ref<Locale>(localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN');

export function setLocale(next: Locale): void {
  locale.value = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
}
document.documentElement.lang = locale.value;

/**
 * The message `key` in the current language, with `{name}` placeholders filled from `params`.
 * English must translate every Chinese key (en.ts is typed against zh.ts), so a missing
 * translation fails the type check.
 */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = catalogs[locale.value][key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}
