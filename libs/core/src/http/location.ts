import { API_PREFIX } from './create-http-app';

/** The absolute path of an API resource, for the `Location` of a 201: `apiPath('disclosures', id)`. */
export function apiPath(...segments: (string | number)[]): string {
  return `/${API_PREFIX}/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;
}
