import { Injectable } from '@nestjs/common';
import { Db } from '@sunshine/core';

/** What other contexts may know of a disclosure that has been published (or withdrawn since). */
export interface PublishedDisclosureFacts {
  id: string;
  /** The village. */
  regionCode: string;
  category: 'party' | 'village' | 'finance';
  /** `YYYY-MM` or `YYYY-Qn`. */
  period: string;
  title: string;
  status: 'published' | 'withdrawn';
  publishedAt: Date;
}

/**
 * Read-only facts about published disclosures for the other contexts (engagement: comments, ratings,
 * complaints about a disclosure). Drafts are not visible here: null, as for an unknown id.
 */
@Injectable()
export class PublishedDisclosures {
  constructor(private readonly db: Db) {}

  async find(id: string): Promise<PublishedDisclosureFacts | null> {
    const [row]: {
      id: string;
      region_code: string;
      category: PublishedDisclosureFacts['category'];
      period: string;
      title: string;
      status: PublishedDisclosureFacts['status'];
      published_at: Date;
    }[] = await this.db.query(
      `SELECT id, region_code::text, category, period, title, status, published_at
         FROM disclosure
        WHERE id = $1 AND status <> 'draft'`,
      [id],
    );
    if (!row) return null;
    return {
      id: row.id,
      regionCode: row.region_code,
      category: row.category,
      period: row.period,
      title: row.title,
      status: row.status,
      publishedAt: row.published_at,
    };
  }
}
