import createClient, { type Middleware } from 'openapi-fetch';

import { session } from '../session';
import type { paths } from './schema';

/**
 * The portal's only way to the API: a client typed from the API's own OpenAPI document (generated
 * into schema.d.ts by `npm run build:web`), so an API change that breaks a page fails the type check.
 */
export const api = createClient<paths>({ baseUrl: '/' });

/** RFC 9457 problem document, as every API error is. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: { field?: string; messages?: string[] }[];
  [key: string]: unknown;
}

const withToken: Middleware = {
  async onRequest({ request }) {
    const token = await session.accessToken();
    if (token && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
};
api.use(withToken);

/** The problem's words for a person: its detail, else its title. */
export function problemText(error: unknown): string {
  if (error && typeof error === 'object') {
    const p = error as Problem;
    return p.detail ?? p.title ?? String(p.code ?? 'Error');
  }
  return String(error);
}
