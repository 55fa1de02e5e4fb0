import { reactive } from 'vue';

import { api } from '../../api/client';

/** Names of regions by code, fetched once per code and shared by every page (reactive). */
const names = reactive(new Map<string, string>());
const pending = new Set<string>();

export function regionName(code: string | null | undefined): string {
  if (!code) return '';
  const known = names.get(code);
  if (known) return known;
  if (!pending.has(code)) {
    pending.add(code);
    void api.GET('/api/v1/regions/{code}', { params: { path: { code } } }).then(({ data }) => {
      if (data) names.set(code, data.name);
    });
  }
  return code;
}

/** Remembers a name the page already has (from a search or a follow list). */
export function rememberRegion(code: string, name: string): void {
  names.set(code, name);
}
