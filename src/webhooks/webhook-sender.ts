import * as http from 'node:http';
import * as https from 'node:https';
import type { Resolver } from '../recipients/index.js';
import { type DeliveryTarget, pinnedLookup, resolveDeliveryTarget, UnsafeWebhookUrlError } from './address-guard.js';

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** Aborts the attempt (shutdown). */
  signal?: AbortSignal;
  /** DNS resolution (tests). */
  resolve?: Resolver;
}

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  /** Why the attempt failed, without anything the recipient sent back. */
  error: string | null;
}

/** The most of a response body that is read (and thrown away) before the connection is closed. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * One delivery attempt: a POST of `body` with `headers`, to a URL checked again now (scheme, and every
 * resolved address; the connection is pinned to the checked addresses). No redirect is followed (a 3xx
 * is a failure), no connection is reused, resolution and exchange together are bounded by `timeoutMs`.
 * Never throws: a failure is a result.
 */
export async function postWebhook(rawUrl: string, headers: Record<string, string>, body: string, options: SendOptions): Promise<SendResult> {
  const deadline = Date.now() + options.timeoutMs;
  let target: DeliveryTarget;
  try {
    target = await bounded(resolveDeliveryTarget(rawUrl, options.allowPrivate, options.resolve), options.timeoutMs, options.signal);
  } catch (e) {
    return { ok: false, statusCode: null, error: e instanceof UnsafeWebhookUrlError ? e.message : (e as Error).message };
  }
  if (options.signal?.aborted) {
    return { ok: false, statusCode: null, error: 'attempt abandoned (shutdown)' };
  }
  return send(target, headers, body, { ...options, timeoutMs: Math.max(1, deadline - Date.now()) });
}

/** Ends a step (the DNS resolution) at the attempt's timeout or when the attempt is abandoned. */
function bounded<T>(p: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms resolving the host`)), ms);
      onAbort = () => reject(new Error('attempt abandoned (shutdown)'));
      if (signal?.aborted) {
        onAbort();
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  ]).finally(() => {
    clearTimeout(timer);
    if (onAbort) {
      signal?.removeEventListener('abort', onAbort);
    }
  });
}

function send(target: DeliveryTarget, headers: Record<string, string>, body: string, options: SendOptions): Promise<SendResult> {
  const { url } = target;
  const payload = Buffer.from(body, 'utf8');
  const client = url.protocol === 'https:' ? https : http;

  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (r: SendResult) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const req = client.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { ...headers, 'content-length': String(payload.length), 'user-agent': 'Rapport-Webhooks/1' },
        lookup: pinnedLookup(target.addresses),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        /** The answer was read to its end, or we stopped reading it at the cap (its status is what counts). */
        let complete = false;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) {
            complete = true;
            res.destroy();
          }
        });
        res.on('end', () => (complete = true));
        const outcome = (): SendResult => {
          if (status >= 300 && status < 400) return { ok: false, statusCode: status, error: `HTTP ${status}: redirects are not followed` };
          if (status < 200 || status >= 300) return { ok: false, statusCode: status, error: `HTTP ${status}` };
          // A 2xx cut off by the receiver (or the network) before its answer ended is not a confirmed delivery:
          // it is retried (a repeat is harmless, its webhook-id is the same; a lost notice is not).
          if (!complete) return { ok: false, statusCode: status, error: `HTTP ${status}: the connection closed before the answer was complete` };
          return { ok: true, statusCode: status, error: null };
        };
        const done = () => finish(outcome());
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish({ ok: false, statusCode: null, error: `timed out after ${options.timeoutMs} ms` });
    }, options.timeoutMs);
    const onAbort = () => {
      req.destroy();
      finish({ ok: false, statusCode: null, error: 'attempt abandoned (shutdown)' });
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const reason =
        err instanceof UnsafeWebhookUrlError || err.code === 'EUNSAFEADDRESS'
          ? err.message
          : err.code
            ? `connection failed (${err.code})`
            : 'connection failed';
      finish({ ok: false, statusCode: null, error: reason });
    });
    req.end(payload);
  });
}
