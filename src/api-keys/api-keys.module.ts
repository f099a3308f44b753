import { Module } from '@nestjs/common';
import { ApiKeyDirectory } from '../auth/directories.js';
import { RecipientsModule } from '../recipients/recipients.module.js';
import { UsersModule } from '../users/users.module.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';

@Module({
  imports: [UsersModule, RecipientsModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiKeysRepository, { provide: ApiKeyDirectory, useExisting: ApiKeysService }],
  exports: [ApiKeysService, ApiKeysRepository, ApiKeyDirectory],
})
export class ApiKeysModule {}
