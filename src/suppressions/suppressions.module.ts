import { Module } from '@nestjs/common';
import { SuppressionsController } from './suppressions.controller.js';
import { SuppressionsRepository } from './suppressions.repository.js';
import { SuppressionsService } from './suppressions.service.js';

/** The suppression list after erasure (issue 12). Contacts call it on create, PATCH, import and erasure. */
@Module({
  controllers: [SuppressionsController],
  providers: [SuppressionsService, SuppressionsRepository],
  exports: [SuppressionsService],
})
export class SuppressionsModule {}
