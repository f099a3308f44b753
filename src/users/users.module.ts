import { Module } from '@nestjs/common';
import { UserDirectory } from '../auth/directories.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  controllers: [UsersController],
  providers: [UsersService, UsersRepository, { provide: UserDirectory, useExisting: UsersService }],
  exports: [UsersService, UsersRepository, UserDirectory],
})
export class UsersModule {}
