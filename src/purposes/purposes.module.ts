import { Module } from '@nestjs/common';
import { PurposesController } from './purposes.controller.js';
import { PurposesService } from './purposes.service.js';

@Module({ controllers: [PurposesController], providers: [PurposesService], exports: [PurposesService] })
export class PurposesModule {}
