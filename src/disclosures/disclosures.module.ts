import { Module } from '@nestjs/common';
import { ConsentModule } from '../consent/consent.module.js';
import { DisclosuresController, JwksController, SigningKeysController } from './disclosures.controller.js';
import { DisclosuresService } from './disclosures.service.js';
import { SigningKeysService } from './signing-keys.service.js';

@Module({
  imports: [ConsentModule],
  controllers: [DisclosuresController, SigningKeysController, JwksController],
  providers: [DisclosuresService, SigningKeysService],
  exports: [SigningKeysService],
})
export class DisclosuresModule {}
