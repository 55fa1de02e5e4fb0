export * from './dto/region.dto';
export * from './import/region-import.service';
export * from './region-code.validator';
export * from './region-levels';
export * from './regions.errors';
export * from './regions.module';
export * from './regions.service';
export * from './versions/region-version.sources';
