import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuditTrailModule } from './audit-trail/audit-trail.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AuthenticationGuard } from './auth/authentication.guard.js';
import { RolesGuard } from './auth/roles.guard.js';
import { RequestInterceptor } from './database/request.interceptor.js';
import { RequestPolicyGuard } from './common/http/request-policy.guard.js';
import { ProblemDetailsFilter } from './common/errors/problem-details.filter.js';
import { strictValidationPipe } from './common/validation/validation.pipe.js';
import { ComplianceModule } from './compliance/compliance.module.js';
import { ComplianceReportsModule } from './compliance-reports/compliance-reports.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { SubjectRequestsModule } from './subject-requests/subject-requests.module.js';
import { SuppressionsModule } from './suppressions/suppressions.module.js';
import { ConsentModule } from './consent/consent.module.js';
import { ContactsModule } from './contacts/contacts.module.js';
import { DisclosuresModule } from './disclosures/disclosures.module.js';
import { EventsModule } from './events/events.module.js';
import { FollowUpsModule } from './follow-ups/follow-ups.module.js';
import { configModule } from './config/configuration.js';
import { CryptoModule } from './crypto/crypto.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { IdempotencyModule } from './idempotency/idempotency.module.js';
import { InteractionsModule } from './interactions/interactions.module.js';
import { NetworksModule } from './networks/networks.module.js';
import { ConnectionsModule } from './connections/connections.module.js';
import { OrganisationsModule } from './organisations/organisations.module.js';
import { PurposesModule } from './purposes/purposes.module.js';
import { RecipientsModule } from './recipients/recipients.module.js';
import { EngagementReportsModule } from './reports/engagement-reports.module.js';
import { UsersModule } from './users/users.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

/** The composition root: every feature module is listed here; only infrastructure (database, crypto, audit, config) is global. */
@Module({
  imports: [
    configModule,
    DatabaseModule,
    CryptoModule,
    AuditModule,
    IdempotencyModule,
    ApiKeysModule,
    UsersModule,
    AuthModule.forRoot([ApiKeysModule, UsersModule]),
    HealthModule,
    OrganisationsModule,
    ContactsModule,
    SuppressionsModule,
    InteractionsModule,
    EventsModule,
    FollowUpsModule,
    NetworksModule,
    ConnectionsModule,
    EngagementReportsModule,
    ConsentModule,
    PurposesModule,
    RecipientsModule,
    DisclosuresModule,
    WebhooksModule,
    ComplianceModule,
    ComplianceReportsModule,
    RetentionModule,
    SubjectRequestsModule,
    AuditTrailModule,
  ],
  providers: [
    { provide: APP_PIPE, useFactory: strictValidationPipe },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    // After them (a 401/403 comes first), before pipes and interceptors: body policy and storable text, so that
    // input PostgreSQL cannot store is refused before a transaction or idempotency record starts.
    { provide: APP_GUARD, useClass: RequestPolicyGuard },
    // Not global: configureApp puts it on the mutating routes only (attachRequestInterceptor).
    RequestInterceptor,
  ],
})
export class AppModule {}
