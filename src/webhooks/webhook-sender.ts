import * as http from 'node:http';
import * as https from 'node:https';
import { parseWebhookUrl, safeLookup, UnsafeWebhookUrlError } from './address-guard.js';

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** Aborts the attempt (shutdown). */
  signal?: AbortSignal;
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
 * resolved address unless private targets are allowed, pinned for the connection). No redirect is
 * followed (a 3xx is a failure), no connection is reused, the whole exchange is bounded by `timeoutMs`.
 * Never throws: a failure is a result.
 */
export function postWebhook(
  rawUrl: string,
  headers: Record<string, string>,
  body: string,
  options: SendOptions,
): Promise<SendResult> {
  let url: URL;
  try {
    url = parseWebhookUrl(rawUrl, options.allowPrivate);
  } catch (e) {
    return Promise.resolve({
      ok: false,
      statusCode: null,
      error: e instanceof UnsafeWebhookUrlError ? e.message : 'invalid webhook URL',
    });
  }
  const payload = Buffer.from(body, 'utf8');
  const client = url.protocol === 'https:' ? https : http;

  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (r: SendResult) => {
      if (settled) return;
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
        lookup: options.allowPrivate ? undefined : safeLookup(),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) res.destroy();
        });
        const done = () =>
          finish(
            status >= 200 && status < 300
              ? { ok: true, statusCode: status, error: null }
              : {
                  ok: false,
                  statusCode: status,
                  error:
                    status >= 300 && status < 400
                      ? `HTTP ${status}: redirects are not followed`
                      : `HTTP ${status}`,
                },
          );
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
