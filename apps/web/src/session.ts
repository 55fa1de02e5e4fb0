import { reactive } from 'vue';

import type { components } from './api/schema';

export type Profile = components['schemas']['ProfileDto'];

/** Where the tokens live between visits (a refresh token is single use; the API rotates it). */
const STORAGE_KEY = 'sunshine.session';

interface Stored {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token stops being valid. */
  expiresAt: number;
}

interface State {
  stored: Stored | null;
  me: Profile | null;
}

const state = reactive<State>({ stored: load(), me: null });

function load(): Stored | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Stored) : null;
  } catch {
    return null;
  }
}

function save(stored: Stored | null): void {
  state.stored = stored;
  if (stored) localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
  else localStorage.removeItem(STORAGE_KEY);
}

let refreshing: Promise<string | null> | null = null;

/** Plain fetch for the token endpoints (the typed client's middleware calls back into here). */
async function tokenRequest(path: string, body: object): Promise<Response> {
  return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

export const session = {
  state,

  get signedIn(): boolean {
    return state.stored !== null;
  },

  /** A valid access token, refreshed when it is about to expire; null when signed out. */
  async accessToken(): Promise<string | null> {
    const stored = state.stored;
    if (!stored) return null;
    if (stored.expiresAt - Date.now() > 30_000) return stored.accessToken;
    refreshing ??= (async () => {
      const res = await tokenRequest('/api/v1/auth/refresh', { refreshToken: stored.refreshToken });
      if (!res.ok) {
        save(null);
        return null;
      }
      const pair = (await res.json()) as { accessToken: string; refreshToken: string; expiresIn: number };
      save({
        accessToken: pair.accessToken,
        refreshToken: pair.refreshToken,
        expiresAt: Date.now() + pair.expiresIn * 1000,
      });
      return pair.accessToken;
    })().finally(() => (refreshing = null));
    return refreshing;
  },

  /** Keeps a token pair from a sign-in or a registration. */
  keep(pair: { accessToken: string; refreshToken: string; expiresIn: number }): void {
    save({
      accessToken: pair.accessToken,
      refreshToken: pair.refreshToken,
      expiresAt: Date.now() + pair.expiresIn * 1000,
    });
  },

  setMe(me: State['me']): void {
    state.me = me;
  },

  async signOut(): Promise<void> {
    const token = state.stored?.accessToken;
    if (token)
      await fetch('/api/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(
        () => undefined,
      );
    save(null);
    state.me = null;
  },
};
