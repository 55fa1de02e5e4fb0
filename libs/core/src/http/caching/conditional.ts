import { hash } from 'node:crypto';

/**
 * `*`, or the opaque tags (quoted, without `W/`) of an `If-None-Match` header (RFC 9110 §13.1.2),
 * which is compared weakly: `W/"x"` matches `"x"`. Absent or malformed: [] (matches nothing, so
 * the full reply is sent).
 */
export function entityTags(header: string | string[] | undefined): '*' | string[] {
  if (header === undefined) return [];
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  if (value === '*') return '*';
  const tags: string[] = [];
  // entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text; list items are
  // separated by commas and optional white space (empty items allowed, RFC 9110 §5.6.1).
  const item = /[ \t]*(?:(W\/)?("[\x21\x23-\x7e\x80-\xff]*")[ \t]*)?(?:,|$)/y;
  let at = 0;
  while (at < value.length) {
    item.lastIndex = at;
    const found = item.exec(value);
    if (!found || found[0].length === 0) return [];
    if (found[2]) tags.push(found[2]);
    at = item.lastIndex;
  }
  return tags;
}

/**
 * The query string in one canonical order (pairs sorted by name, then value; each re-encoded), so
 * that `?a=1&b=2` and `?b=2&a=1` name the same representation.
 */
export function normalizedQuery(search: string): string {
  const pairs = [...new URLSearchParams(search.startsWith('?') ? search.slice(1) : search)];
  pairs.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return new URLSearchParams(pairs).toString();
}

/**
 * The strong ETag of a public read: the content version it was read at, and a short hash of what
 * was asked (path and normalized query) and of `salt` (what the replies look like, see
 * enableHttpCaching), e.g. `"v12.3-9f86d081884c7d65"`.
 */
export function readEtag(version: string, url: string, salt: string): string {
  return `"v${version}-${askedDigest(url, salt)}"`;
}

/** URLs up to this length have their digest remembered (a longer one is hashed each time it is asked). */
const REMEMBERED_URL_LENGTH = 512;
/** Digests remembered at most (about 1 MB for lists' usual URLs, 6 MB at the longest); emptied when full. */
const REMEMBERED_DIGESTS = 10_000;
/** The digests of recently asked URLs, by salt and URL: a read asked again is not normalized and hashed again. */
const remembered = new Map<string, string>();

function askedDigest(url: string, salt: string): string {
  if (url.length > REMEMBERED_URL_LENGTH) return digestOf(url, salt);
  const key = `${salt}\n${url}`;
  let digest = remembered.get(key);
  if (digest === undefined) {
    if (remembered.size >= REMEMBERED_DIGESTS) remembered.clear();
    remembered.set(key, (digest = digestOf(url, salt)));
  }
  return digest;
}

function digestOf(url: string, salt: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : normalizedQuery(url.slice(q + 1));
  return hash('sha256', `${salt}\n${path}?${query}`, 'hex').slice(0, 16);
}
