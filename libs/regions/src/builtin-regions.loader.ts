import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig } from '@sunshine/core';
import { DataSource } from 'typeorm';

import { RegionImportService } from './import/region-import.service';

/** Loads the built-in region file (BUILTIN_REGIONS_FILE) at start when the region table is empty. */
@Injectable()
export class BuiltinRegionsLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger(BuiltinRegionsLoader.name);

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const file = this.config.BUILTIN_REGIONS_FILE;
    if (file === 'none') return;
    const [{ empty }]: { empty: boolean }[] = await this.dataSource.query(
      'SELECT NOT EXISTS (SELECT 1 FROM region) AS empty',
    );
    if (!empty) return;
    const result = await new RegionImportService(this.dataSource).importCsv(await readFile(path.resolve(file), 'utf8'));
    if (!result.ok) {
      throw new Error(
        `BUILTIN_REGIONS_FILE ${file} is not valid: ${result.errors
          .slice(0, 5)
          .map((e) => `line ${e.line}: ${e.reason}`)
          .join('; ')}`,
      );
    }
    this.logger.log(`loaded ${result.summary.added} built-in regions from ${file}`);
  }
}
