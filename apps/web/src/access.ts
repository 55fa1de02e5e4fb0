import { api } from './api/client';
import { session } from './session';

/**
 * Who may open a page: any signed-in user, a role, or a group of roles. The API decides what each
 * may do and see (scoped to their region subtree); this only keeps pages that cannot work away.
 */
export type Access =
  | 'signedIn'
  | 'village_clerk'
  | 'township_reviewer'
  | 'reviewer'
  | 'complaints'
  | 'compliance'
  | 'supervision'
  | 'supervisor';

const ROLES: Record<Exclude<Access, 'signedIn'>, string[]> = {
  village_clerk: ['village_clerk'],
  township_reviewer: ['township_reviewer'],
  reviewer: ['village_monitor', 'township_reviewer'],
  complaints: ['township_reviewer', 'supervisor'],
  compliance: ['township_reviewer', 'supervisor', 'admin'],
  supervision: ['township_reviewer', 'supervisor'],
  supervisor: ['supervisor'],
};

/** Loads the signed-in user's profile once (GET /api/v1/me); null when signed out. */
export async function loadMe() {
  if (!session.signedIn) return null;
  if (session.state.me) return session.state.me;
  const { data } = await api.GET('/api/v1/me');
  session.setMe(data ?? null);
  return data ?? null;
}

export async function allowed(access: Access): Promise<boolean> {
  const me = await loadMe();
  if (!me) return false;
  if (access === 'signedIn') return true;
  return me.roles.some((a) => ROLES[access].includes(a.role));
}

/** Whether the signed-in user (profile loaded) may use pages of `access`: for the navigation. */
export function holds(access: Access): boolean {
  const me = session.state.me;
  if (!me) return false;
  return access === 'signedIn' || me.roles.some((a) => ROLES[access].includes(a.role));
}
