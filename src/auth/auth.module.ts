import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { UsersModule } from '../users/users.module.js';
import { ApiKeyStrategy } from './api-key.strategy.js';
import { OidcStrategy } from './oidc.strategy.js';
import { RateLimiter } from './rate-limiter.js';

@Module({
  imports: [PassportModule.register({ session: false }), UsersModule, ApiKeysModule],
  providers: [ApiKeyStrategy, OidcStrategy, RateLimiter],
  exports: [RateLimiter, ApiKeyStrategy],
})
export class AuthModule {}
