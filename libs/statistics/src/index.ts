export * from './rollup/statistics-rollup.job';
export * from './rollup/statistics-rollup.module';
export { StatisticsRollupRepository } from './rollup/statistics-rollup.repository';
export { toFiguresDto, toYearOnYearDto } from './statistics.mapper';
export * from './statistics.module';
export type { CountersRow } from './statistics.repository';
