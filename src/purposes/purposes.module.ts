import { Module } from '@nestjs/common';
import { PurposesController } from './purposes.controller.js';
import { PurposesRepository } from './purposes.repository.js';
import { PurposesService } from './purposes.service.js';

@Module({ controllers: [PurposesController], providers: [PurposesService, PurposesRepository], exports: [PurposesService, PurposesRepository] })
export class PurposesModule {}
