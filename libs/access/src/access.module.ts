import { Module, OnModuleInit } from '@nestjs/common';
import { APP_GUARD, HttpAdapterHost } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig, RedisConnection } from '@sunshine/core';
import { RegionsModule } from '@sunshine/regions';
import type { FastifyInstance } from 'fastify';

import { AccessGuard } from './access.guard';
import { AccessTargets } from './access-targets';
import { AccountsRepository } from './accounts/accounts.repository';
import { AccountsService } from './accounts/accounts.service';
import { AdminUsersController } from './accounts/admin-users.controller';
import { ResidentsController } from './accounts/residents.controller';
import { RoleAssignmentsController } from './accounts/role-assignments.controller';
import { RolesService } from './accounts/roles.service';
import { AuditController } from './audit/audit.controller';
import { AuditRepository } from './audit/audit.repository';
import { AuditService } from './audit/audit.service';
import { AuditArchiveModule } from './audit/audit-archive.module';
import { refuseLargeAnonymousBodies } from './auth/anonymous-body.hook';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { AuthPurgeModule } from './auth/auth-purge';
import { AuthThrottleRepository } from './auth/auth-throttle.repository';
import { LocalStrategy } from './auth/local.strategy';
import { SessionCache } from './auth/session-cache';
import { SessionsRepository } from './auth/sessions.repository';
import { SessionsService } from './auth/sessions.service';
import { SharedThrottlerStorage } from './auth/shared-throttler.storage';
import { TokenAuthentication } from './auth/token-authentication';
import { DataCipher } from './crypto/data-cipher';
import { PasswordHasher } from './crypto/password-hasher';
import { DemoDataSeeder } from './demo/demo-data.seeder';

/** Identity and access: accounts, sessions, roles and scopes, the access guard on every route, the audit log. */
@Module({
  imports: [
    RegionsModule,
    AuditArchiveModule,
    AuthPurgeModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.JWT_SECRET,
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, RedisConnection],
      useFactory: (config: AppConfig, redis: RedisConnection) => ({
        throttlers: [{ ttl: 60_000, limit: config.AUTH_RATE_LIMIT }],
        storage: new SharedThrottlerStorage(redis),
      }),
    }),
  ],
  controllers: [AuthController, ResidentsController, AdminUsersController, RoleAssignmentsController, AuditController],
  providers: [
    AccessTargets,
    AccountsRepository,
    AccountsService,
    AuditRepository,
    AuditService,
    AuthService,
    AuthThrottleRepository,
    DataCipher,
    DemoDataSeeder,
    TokenAuthentication,
    LocalStrategy,
    PasswordHasher,
    RolesService,
    SessionCache,
    SessionsRepository,
    SessionsService,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AccessTargets, AuditService, DataCipher],
})
export class AccessModule implements OnModuleInit {
  constructor(
    private readonly targets: AccessTargets,
    private readonly accounts: AccountsService,
    private readonly roles: RolesService,
    private readonly http: HttpAdapterHost,
    private readonly authentication: TokenAuthentication,
  ) {}

  onModuleInit(): void {
    this.targets.register('user', (id) => this.accounts.regionsOf(id));
    this.targets.register('assignment', (id) => this.roles.regionOf(id));
    const fastify = this.http.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify) refuseLargeAnonymousBodies(fastify, this.authentication);
  }
}
