import { Injectable } from '@nestjs/common';
import { Clock, Db } from '@sunshine/core';

/**
 * What ANALYZE last measured of the title index's terms (migrations/1764875000000-title-term-statistics.ts):
 * each term of a published disclosure is a region it lies in (`@` and the region's code) or a
 * character or character pair of its title.
 */
export interface TitleTermStatistics {
  /** Published disclosures the index covers. */
  rows: number;
  /** The most common terms, each with the share of those rows that hold it. */
  shares: ReadonlyMap<string, number>;
  /** The smallest share listed: a term left out is held by fewer rows than that. */
  rarest: number;
}

/** The index terms a search asks for: its region's, and the word's characters (one) or character pairs (`text_search_grams`). */
export function searchTerms(regionCode: string, text: string): { region: string; word: string[] } {
  const chars = [...text.toLowerCase()];
  const word = chars.length === 1 ? chars : [...new Set(chars.slice(1).map((c, i) => `${chars[i]}${c}`))];
  return { region: `@${regionCode}`, word };
}

/**
 * The rows of the region and, of them, the expected matches of the word, from the statistics: a
 * term left out counts as the rarest one listed (an upper bound), a word as its rarest term, the
 * word as independent of the region. `listed`: whether every term of the word is listed (the
 * expectation is a measure, not a bound).
 */
export function expectedMatches(
  stats: TitleTermStatistics,
  regionCode: string,
  text: string,
): { regionRows: number; wordShare: number; matches: number; listed: boolean } {
  const share = (term: string) => stats.shares.get(term) ?? stats.rarest;
  const { region, word } = searchTerms(regionCode, text);
  const regionRows = stats.rows * share(region);
  const wordShare = Math.min(...word.map(share));
  return { regionRows, wordShare, matches: regionRows * wordShare, listed: word.every((t) => stats.shares.has(t)) };
}

/**
 * How a title search starts:
 * - `index`: the title index alone, when the word is expected to be too rare for the region's
 *   `window` newest rows to hold `limit` matches, and few enough in the region (at most
 *   `candidates`) for the index to answer alone;
 * - `probe`: else, for a word with a term the statistics do not list (rarer than any listed when
 *   they were taken, or new since), the title index capped at `probe` matches first: a missing or
 *   rare word is answered at once, and a word past the cap goes on as `window`;
 * - `window`: the region's newest rows first, then the index.
 */
export type TitleSearchStart = 'index' | 'probe' | 'window';

export function titleSearchStart(
  stats: TitleTermStatistics,
  search: { regionCode: string; text: string; limit: number },
  bounds: { window: number; candidates: number },
): TitleSearchStart {
  const { wordShare, matches, listed } = expectedMatches(stats, search.regionCode, search.text);
  if (wordShare * bounds.window < search.limit && matches <= bounds.candidates) return 'index';
  return listed ? 'window' : 'probe';
}

/** How long statistics once read are used before they are read again (ANALYZE runs when autovacuum decides). */
export const TITLE_STATISTICS_TTL_MS = 10 * 60_000;

interface StatisticsRow {
  rows: number | null;
  terms: string[] | null;
  frequencies: number[] | null;
}

/**
 * The title index's statistics from memory: read at the first search, and again at the first search
 * after TITLE_STATISTICS_TTL_MS (one statement every ten minutes at most; concurrent searches share
 * it). Null when the index has none yet (never analysed); when they cannot be read, the ones held
 * (or null). Searches without statistics take the path that needs none.
 */
@Injectable()
export class TitleStatistics {
  private held: { at: number; value: TitleTermStatistics | null } | undefined;
  private loading: Promise<TitleTermStatistics | null> | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async get(): Promise<TitleTermStatistics | null> {
    const held = this.held;
    if (held && this.clock.now().getTime() - held.at < TITLE_STATISTICS_TTL_MS) return held.value;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading.catch(() => held?.value ?? null);
  }

  private async load(): Promise<TitleTermStatistics | null> {
    const at = this.clock.now().getTime();
    const [row]: StatisticsRow[] = await this.db.query(
      `SELECT rows, terms, frequencies::float8[] AS frequencies FROM disclosure_title_term_statistics()`,
    );
    const value = row ? statisticsOf(row) : null;
    this.held = { at, value };
    return value;
  }
}

/** The statistics of the function's row (`most_common_elem_freqs` lists each term's share, then the minimum, maximum and null share). */
function statisticsOf({ rows, terms, frequencies }: StatisticsRow): TitleTermStatistics | null {
  if (!rows || rows <= 0 || !terms?.length || !frequencies || frequencies.length < terms.length) return null;
  const shares = new Map(terms.map((term, i) => [term, frequencies[i] as number]));
  return { rows, shares, rarest: Math.min(...shares.values()) };
}
