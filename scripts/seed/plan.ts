import { share } from './random';

/** The full-scale sizes (issue 13, DESIGN.md "Scale"); `--scale` multiplies each. */
export const FULL_SCALE = {
  users: 8_710_000,
  disclosures: 3_680_000,
  /** Aimed at so that ~6.6 M land on published disclosures (a few percent are never published). */
  ratings: 6_700_000,
  comments: 1_500_000,
  complaints: 100_000,
  issues: 240_000,
  batches: 600,
} as const;

/** Months of history: the three years before the month of `asOf`. */
export const MONTHS = 36;

export interface SeedOptions {
  scale: number;
  seed: number;
  /** `YYYY-MM`: the history ends before the first day of this month (China Standard Time). */
  asOf: string;
}

export interface VillageInfo {
  code: string;
  name: string;
  township: string;
  county: string;
  city: string;
  province: string;
}

export type OfficialRole = 'village_clerk' | 'village_monitor' | 'township_reviewer' | 'supervisor' | 'admin';

export interface Official {
  role: OfficialRole;
  regionCode: string;
  level: number;
  /** The short login: role letters and region code (`tr210102001000-1`). */
  login: string;
}

/** Who acts for one active village: user indexes of its officials. */
export interface VillageStaff {
  clerk: number;
  monitor: number;
  reviewers: [number, number];
  countySupervisor: number;
  citySupervisor: number;
}

/**
 * Everything the table generators share: the active villages (the whole tree at scale 1; at a
 * smaller scale an evenly spread 1-in-(1/scale) sample of them, each with a full village's
 * history), their officials, and the totals of each entity. Plain data: it is sent to the worker
 * threads as is.
 */
export interface SeedPlan {
  options: SeedOptions;
  /** Month index (year*12 + month-1) of `asOf`. */
  asOfMonth: number;
  villages: VillageInfo[];
  officials: Official[];
  staff: VillageStaff[];
  provinceSupervisor: number;
  /** residentStart[v] … residentStart[v+1]-1: user indexes of village v's residents. */
  residentStart: number[];
  totals: {
    users: number;
    disclosures: number;
    ratings: number;
    comments: number;
    complaints: number;
    issues: number;
    batches: number;
  };
  /** Batch b is issued by this region (a city, or the province). */
  batchRegions: string[];
}

export interface RegionRow {
  code: string;
  name: string;
  level: number;
  parent_code: string | null;
}

const ROLE_LETTERS: Record<OfficialRole, string> = {
  village_clerk: 'vc',
  village_monitor: 'vm',
  township_reviewer: 'tr',
  supervisor: 'sv',
  admin: 'ad',
};

const ancestor = (code: string, keep: number): string => `${code.slice(0, keep)}${'0'.repeat(12 - keep)}`;

export function buildPlan(regions: RegionRow[], options: SeedOptions): SeedPlan {
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const allVillages = regions.filter((r) => r.level === 5).sort((a, b) => (a.code < b.code ? -1 : 1));
  if (allVillages.length === 0) throw new Error('the region table holds no villages');
  const n = allVillages.length;
  const active = options.scale >= 1 ? n : Math.max(1, Math.round(n * options.scale));
  const villages: VillageInfo[] = [];
  for (let k = 0; k < active; k++) {
    const v = allVillages[Math.floor(((k + 0.5) * n) / active)] as RegionRow;
    // Codes extend their parent's prefix: 2, 4, 6 and 9 digits for levels 1–4.
    villages.push({
      code: v.code,
      name: v.name,
      township: v.parent_code ?? ancestor(v.code, 9),
      county: ancestor(v.code, 6),
      city: ancestor(v.code, 4),
      province: ancestor(v.code, 2),
    });
  }

  const officials: Official[] = [];
  const add = (role: OfficialRole, regionCode: string, k = 1): number => {
    const level = byCode.get(regionCode)?.level ?? levelOf(regionCode);
    officials.push({ role, regionCode, level, login: `${ROLE_LETTERS[role]}${regionCode}-${k}` });
    return officials.length - 1;
  };
  const province = villages[0]?.province as string;
  const provinceSupervisor = add('supervisor', province, 1);
  add('supervisor', province, 2);
  add('admin', province);
  const perRegion = new Map<string, number[]>();
  const staffOf = (code: string, make: () => number[]): number[] => {
    let s = perRegion.get(code);
    if (!s) perRegion.set(code, (s = make()));
    return s;
  };
  const staff: VillageStaff[] = villages.map((v) => {
    const city = staffOf(v.city, () => [
      add('supervisor', v.city, 1),
      add('supervisor', v.city, 2),
      add('admin', v.city),
    ]);
    const county = staffOf(v.county, () => [
      add('supervisor', v.county, 1),
      add('supervisor', v.county, 2),
      add('admin', v.county),
    ]);
    const township = staffOf(v.township, () => [
      add('township_reviewer', v.township, 1),
      add('township_reviewer', v.township, 2),
      add('admin', v.township),
    ]);
    return {
      clerk: add('village_clerk', v.code),
      monitor: add('village_monitor', v.code),
      reviewers: [township[0] as number, township[1] as number],
      countySupervisor: county[0] as number,
      citySupervisor: city[0] as number,
    };
  });

  const s = options.scale;
  const users = Math.max(officials.length + villages.length, Math.round(FULL_SCALE.users * s));
  const residents = users - officials.length;
  const residentStart: number[] = [officials.length];
  for (let v = 0; v < villages.length; v++)
    residentStart.push((residentStart[v] as number) + share(v, villages.length, residents));
  const batches = Math.max(1, Math.round(FULL_SCALE.batches * s));
  const cities = [...new Set(villages.map((v) => v.city))];
  return {
    options,
    asOfMonth: monthOf(options.asOf),
    villages,
    officials,
    staff,
    provinceSupervisor,
    residentStart,
    totals: {
      users,
      disclosures: Math.max(1, Math.round(FULL_SCALE.disclosures * s)),
      ratings: Math.round(FULL_SCALE.ratings * s),
      comments: Math.round(FULL_SCALE.comments * s),
      complaints: Math.round(FULL_SCALE.complaints * s),
      issues: Math.round(FULL_SCALE.issues * s),
      batches,
    },
    // Every tenth batch is the province's; the others go round the cities.
    batchRegions: Array.from({ length: batches }, (_, b) =>
      b % 10 === 9 ? province : (cities[b % cities.length] as string),
    ),
  };
}

function levelOf(code: string): number {
  if (code.endsWith('0000000000')) return 1;
  if (code.endsWith('00000000')) return 2;
  if (code.endsWith('000000')) return 3;
  if (code.endsWith('000')) return 4;
  return 5;
}

function monthOf(text: string): number {
  const [y, m] = text.split('-').map(Number);
  return (y as number) * 12 + (m as number) - 1;
}
