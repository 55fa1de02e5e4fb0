import { api } from '../../api/client';

/** Names of regions already seen, so a list of a county's disclosures names each village once. */
const names = new Map<string, Promise<string>>();

export function remember(code: string, name: string): void {
  names.set(code, Promise.resolve(name));
}

/** The region's name (cached for the visit); its code when it cannot be read. */
export function regionName(code: string): Promise<string> {
  let known = names.get(code);
  if (!known) {
    known = api
      .GET('/api/v1/regions/{code}', { params: { path: { code } } })
      .then(({ data }) => data?.name ?? code)
      .catch(() => code);
    names.set(code, known);
  }
  return known;
}
