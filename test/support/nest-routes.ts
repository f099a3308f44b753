import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { ACCESS_KEY, PUBLIC_KEY } from '../../src/auth/access.decorator.js';
import type { Role } from '../../src/auth/role.js';
import type { TestApp } from '../setup/test-app.js';

/** The app's routes as Nest declares them (with their access metadata) and as Express serves them. */
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];

export interface Handler {
  controller: string;
  handler: string;
  method: string;
  /** The path as Nest declares it, without the global prefix. */
  path: string;
  access: Role[] | undefined;
  isPublic: boolean;
}

export interface HttpRoute {
  method: string;
  url: string;
}

const join = (...parts: string[]) => '/' + parts.flatMap((p) => p.split('/')).filter(Boolean).join('/');

/** Every controller handler the app registered, with its access metadata (handler first, then class). */
export function nestHandlers(t: TestApp): Handler[] {
  const reflector = new Reflector();
  const out: Handler[] = [];
  for (const mod of t.app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const type = wrapper.metatype as (new (...args: unknown[]) => object) | null;
      if (!type) continue;
      const base = [Reflect.getMetadata(PATH_METADATA, type) ?? ''].flat()[0] as string;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        if (name === 'constructor') continue;
        const fn = Object.getOwnPropertyDescriptor(type.prototype, name)?.value as (() => unknown) | undefined;
        if (typeof fn !== 'function' || Reflect.getMetadata(METHOD_METADATA, fn) === undefined) continue;
        const method = HTTP_METHODS[Reflect.getMetadata(METHOD_METADATA, fn) as number];
        for (const sub of [Reflect.getMetadata(PATH_METADATA, fn) ?? ''].flat() as string[]) {
          out.push({
            controller: type.name,
            handler: name,
            method,
            path: join(base, sub),
            access: reflector.getAllAndOverride<Role[] | undefined>(ACCESS_KEY, [fn, type]),
            isPublic: reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, [fn, type]) === true,
          });
        }
      }
    }
  }
  return out;
}

/**
 * Express's route table: the routes on the application router (middleware layers have no route). Nest adds,
 * for each path excluded from the global prefix, a route on every method that answers 404 (its not-found
 * handler); those are skipped.
 */
export function expressRoutes(t: TestApp): HttpRoute[] {
  const app = t.app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string | string[]; methods: Record<string, boolean> } }[] } };
  const out: HttpRoute[] = [];
  for (const layer of app.router.stack) {
    if (!layer.route || Object.keys(layer.route.methods).length > 20) continue;
    for (const url of [layer.route.path].flat()) {
      for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push({ method: method.toUpperCase(), url });
    }
  }
  return out;
}
