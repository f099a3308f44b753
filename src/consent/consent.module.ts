import { Module } from '@nestjs/common';
import { ConsentGateService } from './consent-gate.service.js';
import { ConsentCheckController, ConsentsController } from './consents.controller.js';
import { ConsentsService } from './consents.service.js';

@Module({
  controllers: [ConsentsController, ConsentCheckController],
  providers: [ConsentsService, ConsentGateService],
  exports: [ConsentGateService, ConsentsService],
})
export class ConsentModule {}
