import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ApiKeyStrategy } from './api-key.strategy.js';
import { OidcStrategy } from './oidc.strategy.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * Authentication (API keys, OIDC bearer tokens) and rate limiting. The credentials themselves belong to features:
 * the composition root passes the modules that provide ApiKeyDirectory and UserDirectory, so auth/ imports none of
 * them (features import auth's decorators; a cycle otherwise).
 */
@Module({})
export class AuthModule {
  static forRoot(directories: NonNullable<ModuleMetadata['imports']>): DynamicModule {
    return {
      module: AuthModule,
      imports: [PassportModule.register({ session: false }), ...directories],
      providers: [ApiKeyStrategy, OidcStrategy, RateLimiter],
      exports: [RateLimiter, ApiKeyStrategy],
    };
  }
}
