import 'reflect-metadata';
import { Controller, Delete, Get, Patch, Post, Put, SetMetadata, UseInterceptors, type NestInterceptor } from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import type { ModulesContainer } from '@nestjs/core';
import { attachRequestInterceptor, NO_TRANSACTION_KEY, type RequestInterceptor } from './request.interceptor.js';

class Other implements NestInterceptor {
  intercept() {
    return undefined as never;
  }
}

@Controller('things')
class ThingsController {
  @Get() list() {}
  @Post() create() {}
  @Put(':id') replace() {}
  @Patch(':id') @UseInterceptors(Other) update() {}
  @Delete(':id') remove() {}
  @Post('check') @SetMetadata(NO_TRANSACTION_KEY, true) check() {}
  helper() {}
}

const interceptorsOf = (name: keyof ThingsController) =>
  (Reflect.getMetadata(INTERCEPTORS_METADATA, ThingsController.prototype[name]) ?? []) as unknown[];

describe('attachRequestInterceptor', () => {
  const interceptor = { intercept: () => undefined } as unknown as RequestInterceptor;
  const modules = new Map([['m', { controllers: new Map([[ThingsController, { metatype: ThingsController }]]) }]]) as unknown as ModulesContainer;

  it('puts the interceptor first on every mutating route, and only there', () => {
    expect(attachRequestInterceptor(modules, interceptor)).toBe(4);
    for (const name of ['create', 'replace', 'remove'] as const) expect(interceptorsOf(name)).toEqual([interceptor]);
    expect(interceptorsOf('update')).toEqual([interceptor, Other]); // before the route's own interceptors
    expect(interceptorsOf('list')).toEqual([]); // reads: no transaction, no interceptor machinery
    expect(interceptorsOf('check')).toEqual([]); // marked NO_TRANSACTION
    expect(interceptorsOf('helper')).toEqual([]); // not a route
  });

  it('attaches once, however often it runs', () => {
    expect(attachRequestInterceptor(modules, interceptor)).toBe(0);
    expect(interceptorsOf('update')).toEqual([interceptor, Other]);
  });
});
