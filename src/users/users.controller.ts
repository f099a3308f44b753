import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { Page, PageOf, PageQueryDto } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { UserResponseDto } from './dto/user.response.dto.js';
import { UsersService } from './users.service.js';

const UserPage = PageOf(UserResponseDto);

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Access('admin')
  create(@Body() dto: CreateUserDto): Promise<UserResponseDto> {
    return this.users.create(dto);
  }

  @Get()
  @Access('admin', 'compliance')
  @ApiOkResponse({ type: UserPage })
  list(@Query() q: PageQueryDto): Promise<Page<UserResponseDto>> {
    return this.users.list(q);
  }

  @Get(':id')
  @Access('admin', 'compliance')
  findOne(@Param() { id }: UuidParam): Promise<UserResponseDto> {
    return this.users.findOne(id);
  }
}
