import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Controller, Delete, Get, Patch, Post, Put, SetMetadata, UseInterceptors, type NestInterceptor } from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import type { ModulesContainer } from '@nestjs/core';
import { lastValueFrom, of } from 'rxjs';
import {
  attachRequestInterceptor,
  NO_TRANSACTION_KEY,
  registerRequestInterceptor,
  RequestInterceptor,
  SINGLE_STATEMENT_KEY,
  TRANSACTION_BOUNDARY,
} from './request.interceptor.js';

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
  const interceptor = TRANSACTION_BOUNDARY;
  const modules = new Map([['m', { controllers: new Map([[ThingsController, { metatype: ThingsController }]]) }]]) as unknown as ModulesContainer;

  it('puts the interceptor first on every mutating route, and only there', () => {
    expect(attachRequestInterceptor(modules)).toBe(4);
    for (const name of ['create', 'replace', 'remove'] as const) expect(interceptorsOf(name)).toEqual([interceptor]);
    expect(interceptorsOf('update')).toEqual([interceptor, Other]); // before the route's own interceptors
    expect(interceptorsOf('list')).toEqual([]); // reads: no transaction, no interceptor machinery
    expect(interceptorsOf('check')).toEqual([]); // marked NO_TRANSACTION
    expect(interceptorsOf('helper')).toEqual([]); // not a route
  });

  it('attaches once, however many applications the process creates', () => {
    expect(attachRequestInterceptor(modules)).toBe(0);
    expect(interceptorsOf('update')).toEqual([interceptor, Other]);
  });
});

describe('TRANSACTION_BOUNDARY', () => {
  const contextFor = (app: object) => ({ switchToHttp: () => ({ getRequest: () => ({ app }) }) }) as never;
  const next = { handle: () => undefined } as never;

  it("hands each request to the interceptor of the application serving it", () => {
    const first = { intercept: jest.fn(() => 'first') } as unknown as RequestInterceptor;
    const second = { intercept: jest.fn(() => 'second') } as unknown as RequestInterceptor;
    const [a, b] = [{}, {}];
    registerRequestInterceptor(a, first);
    registerRequestInterceptor(b, second);
    expect(TRANSACTION_BOUNDARY.intercept(contextFor(b), next)).toBe('second');
    expect(TRANSACTION_BOUNDARY.intercept(contextFor(a), next)).toBe('first');
  });

  it('refuses a request of an application without one (no write outside a transaction)', () => {
    expect(() => TRANSACTION_BOUNDARY.intercept(contextFor({}), next)).toThrow(/No request interceptor/);
  });
});

describe('RequestInterceptor, a single-statement write', () => {
  const setup = (singleStatement: boolean, idempotencyKey?: string) => {
    const transaction = jest.fn(async (fn: (m: unknown) => Promise<unknown>) => fn({}));
    const claim = jest.fn(async () => ({ kind: 'new' }));
    const complete = jest.fn(async () => undefined);
    const interceptor = new RequestInterceptor(
      { dataSource: { transaction } } as never,
      { claim, complete, release: jest.fn(async () => undefined) } as never,
      { get: (k: string) => (k === SINGLE_STATEMENT_KEY ? singleStatement : undefined) } as never,
    );
    const setHeader = jest.fn();
    const req = { method: 'POST', url: '/api/v1/contacts', body: {}, id: 'req-1', headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {} };
    const context = {
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({ setHeader, status: jest.fn() }) }),
      getHandler: () => function create() {},
    } as never;
    const answer = { id: 'c-1', version: 1 };
    const run = () => lastValueFrom(interceptor.intercept(context, { handle: () => of(answer) }));
    return { transaction, complete, setHeader, run, answer };
  };

  it('runs without a transaction when no Idempotency-Key is sent, and still sets the ETag', async () => {
    const s = setup(true);
    await expect(s.run()).resolves.toBe(s.answer);
    expect(s.transaction).not.toHaveBeenCalled();
    expect(s.setHeader).toHaveBeenCalledWith('ETag', '"1"');
  });

  it('keeps the transaction when an Idempotency-Key is sent (the record commits with the change)', async () => {
    const s = setup(true, 'key-1');
    await expect(s.run()).resolves.toBe(s.answer);
    expect(s.transaction).toHaveBeenCalledTimes(1);
    expect(s.complete).toHaveBeenCalledTimes(1);
  });

  it('keeps the transaction for a handler not marked single-statement', async () => {
    const s = setup(false);
    await expect(s.run()).resolves.toBe(s.answer);
    expect(s.transaction).toHaveBeenCalledTimes(1);
  });
});
