import { Module } from '@nestjs/common';

import { DemoSupervisionSeeder } from './demo-supervision.seeder';

/**
 * The supervision demo data, in a module of its own that the app imports after the engagement
 * module: Nest runs the bootstrap hooks of imported (deeper) modules first, and SupervisionModule
 * is imported by EngagementModule, so a seeder there would run before the complaints it follows.
 * Everything it uses (config, database, clock, jobs, the HTTP server) is global.
 */
@Module({ providers: [DemoSupervisionSeeder], exports: [DemoSupervisionSeeder] })
export class DemoSupervisionModule {}
