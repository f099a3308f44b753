import { isIP, type LookupFunction } from 'node:net';
import { assertSafeWebhookUrl, type Resolver } from '../recipients/index.js';

export { ipv6Groups, isForbiddenAddress } from '../recipients/index.js';

/**
 * Delivery-time protection against SSRF and DNS rebinding: a webhook URL checked when the recipient was
 * saved may resolve to another address later. Every attempt resolves the host again with the recipients'
 * own check (`assertSafeWebhookUrl`: https only, link-local/metadata/multicast refused always, loopback and
 * private refused unless WEBHOOK_ALLOW_PRIVATE, embedded IPv4 forms judged by their IPv4 address), and
 * connects to exactly the addresses it checked
 * (the connection's `lookup` answers from them: no second resolution to rebind).
 */

export class UnsafeWebhookUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeWebhookUrlError';
  }
}

export interface DeliveryTarget {
  url: URL;
  /** Checked addresses; the connection goes to one of these. */
  addresses: string[];
}

/** Resolves and checks a webhook URL for one attempt; throws UnsafeWebhookUrlError. */
export async function resolveDeliveryTarget(raw: string, allowPrivate: boolean, resolve?: Resolver): Promise<DeliveryTarget> {
  let target: DeliveryTarget;
  try {
    target = await assertSafeWebhookUrl(raw, allowPrivate, { resolve });
  } catch (e) {
    throw new UnsafeWebhookUrlError((e as Error).message);
  }
  return target;
}

/** A `lookup` for http(s).request that answers only from already checked addresses (DNS pinning). */
export function pinnedLookup(addresses: string[]): LookupFunction {
  const all = addresses.map((address) => ({ address, family: isIP(address) }));
  return ((_hostname: string, options: { all?: boolean; family?: number | string }, callback: (...args: unknown[]) => void) => {
    const family = options?.family === 4 || options?.family === 'IPv4' ? 4 : options?.family === 6 || options?.family === 'IPv6' ? 6 : 0;
    const usable = family ? all.filter((a) => a.family === family) : all;
    if (usable.length === 0) {
      return callback(Object.assign(new Error('no checked address of the requested family'), { code: 'ENOTFOUND' }));
    }
    if (options?.all) {
      return callback(null, usable);
    }
    return callback(null, usable[0].address, usable[0].family);
  }) as LookupFunction;
}
