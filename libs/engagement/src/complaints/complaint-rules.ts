import { codeFitsLevel, codePrefix } from '@sunshine/regions';

import { RatingLevel } from './dto/complaint.dto';

/** The first three levels count as satisfied (the satisfaction rate of the ratings part). */
const SATISFIED: readonly RatingLevel[] = ['very_satisfied', 'satisfied', 'basically_satisfied'];

/** A rating closes the complaint only if satisfied and resolved; otherwise it reopens it one level up. */
export function ratingCloses(level: RatingLevel, resolved: boolean): boolean {
  return resolved && SATISFIED.includes(level);
}

/** The county above a township that holds a complaint; null when a county holds it (the top). */
export function levelAbove(handler: string): string | null {
  return codeFitsLevel(handler, 3) ? null : codePrefix(handler, 3).padEnd(12, '0');
}
