import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, Db } from '@sunshine/core';
import { RegionsService } from '@sunshine/regions';

import { AccountsRepository } from '../accounts/accounts.repository';
import { PasswordHasher } from '../crypto/password-hasher';
import { DEMO_ACCOUNTS } from './demo-accounts';

/** Seeds the demo accounts once, when DEMO_DATA is on (default with the embedded database). */
@Injectable()
export class DemoDataSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoDataSeeder.name);

  constructor(
    private readonly config: AppConfig,
    private readonly accounts: AccountsRepository,
    private readonly regions: RegionsService,
    private readonly hasher: PasswordHasher,
    private readonly db: Db,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demoData || (await this.accounts.findByLogin(DEMO_ACCOUNTS[0].login))) return;
    const hashes = await Promise.all(DEMO_ACCOUNTS.map((a) => this.hasher.hash(a.password)));
    const levels = await Promise.all(DEMO_ACCOUNTS.map((a) => this.regions.levelOf(a.region)));
    if (levels.some((l) => l === null)) {
      this.logger.warn('demo accounts not seeded: their regions (Liaoning) are not loaded');
      return;
    }
    await this.db.transaction(async (m) => {
      for (const [i, a] of DEMO_ACCOUNTS.entries()) {
        const id = await this.accounts.insert(
          {
            kind: a.kind,
            login: a.login,
            mobile: a.kind === 'resident' ? a.login : null,
            realName: a.realName,
            homeRegionCode: a.region,
            idNumber: null,
            passwordHash: hashes[i] as string,
            assistedBy: null,
          },
          m,
        );
        if (!id) continue;
        await this.accounts.grant(id, a.role, { code: a.region, level: levels[i] as number }, null, m);
        if (a.kind === 'resident') await this.accounts.verifyResident(id, a.region, id, m);
      }
    });
    this.logger.log(`seeded ${DEMO_ACCOUNTS.length} demo accounts (passwords in README; demo only)`);
  }
}
