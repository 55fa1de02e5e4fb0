export * from './rollup/statistics-rollup.job';
export * from './rollup/statistics-rollup.module';
export * from './statistics.module';
