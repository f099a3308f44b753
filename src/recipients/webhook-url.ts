import { promises as dns } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { ValidationFailedError } from '../common/errors/domain.error.js';
import { isForbiddenAddress } from './address-ranges.js';

/** Never a webhook target, even with WEBHOOK_ALLOW_PRIVATE: unspecified, link-local (cloud metadata), multicast, reserved. */
const ALWAYS_BLOCKED = new BlockList();
ALWAYS_BLOCKED.addSubnet('0.0.0.0', 8, 'ipv4');
ALWAYS_BLOCKED.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, 169.254.169.254 metadata
ALWAYS_BLOCKED.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
ALWAYS_BLOCKED.addSubnet('240.0.0.0', 4, 'ipv4'); // reserved + broadcast
ALWAYS_BLOCKED.addAddress('::', 'ipv6');
ALWAYS_BLOCKED.addSubnet('fe80::', 10, 'ipv6'); // link-local
ALWAYS_BLOCKED.addSubnet('ff00::', 8, 'ipv6'); // multicast
ALWAYS_BLOCKED.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6

/** Refused unless WEBHOOK_ALLOW_PRIVATE=true: loopback, private, shared and special-purpose ranges. */
const PRIVATE = new BlockList();
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.0.0.0', 24, 'ipv4');
PRIVATE.addSubnet('192.0.2.0', 24, 'ipv4'); // documentation
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('198.18.0.0', 15, 'ipv4'); // benchmarking
PRIVATE.addSubnet('198.51.100.0', 24, 'ipv4');
PRIVATE.addSubnet('203.0.113.0', 24, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6'); // unique local
PRIVATE.addSubnet('2001:db8::', 32, 'ipv6'); // documentation
PRIVATE.addSubnet('64:ff9b:1::', 48, 'ipv6'); // local-use NAT64

export type AddressClass = 'public' | 'private' | 'blocked';

/** Classifies one IP address (IPv4-mapped and NAT64 IPv6 addresses are judged by their IPv4 address). */
export function classifyAddress(ip: string): AddressClass {
  const family = isIP(ip);
  if (family === 0) return 'blocked';
  if (family === 6) {
    const lower = ip.toLowerCase();
    const mapped = /^(?:::ffff:|::ffff:0:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped) return classifyAddress(mapped[1]);
    const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
    if (hexMapped) {
      const hi = parseInt(hexMapped[1], 16);
      const lo = parseInt(hexMapped[2], 16);
      return classifyAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (ALWAYS_BLOCKED.check(ip, type)) return 'blocked';
  if (PRIVATE.check(ip, type)) return 'private';
  // Anything else that is not public unicast (6to4 and Teredo forms, discard-only, site-local…) counts as private.
  return isForbiddenAddress(ip) ? 'private' : 'public';
}

export interface SafeWebhookTarget {
  url: URL;
  /**
   * The addresses the host resolved to, all acceptable: connect to one of these (no second lookup, no DNS
   * rebinding). Empty only when `unresolvable: 'allow'` let a name that does not resolve (yet) through.
   */
  addresses: string[];
}

export type Resolver = (host: string) => Promise<string[]>;
const LOOKUP_TIMEOUT_MS = 3_000;
const systemResolver: Resolver = async (host) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('DNS lookup timed out')), LOOKUP_TIMEOUT_MS);
  });
  try {
    return (await Promise.race([dns.lookup(host, { all: true, verbatim: true }), timeout])).map((a) => a.address);
  } finally {
    clearTimeout(timer);
  }
};

const refuse = (message: string, field = 'webhookUrl'): never => {
  throw new ValidationFailedError(`${field} is not an acceptable webhook target: ${message}`, [{ field, message }]);
};

/**
 * Checks a webhook URL on write (recipients) and again at delivery time (webhooks): https to public
 * addresses only; with `allowPrivate` (WEBHOOK_ALLOW_PRIVATE=true) also plain http and loopback/private
 * addresses. Link-local (169.254.0.0/16, cloud metadata), unspecified, multicast and reserved addresses
 * are refused always. Every address the host resolves to must pass. Throws a 400 ValidationFailedError.
 *
 * `unresolvable`: what to do with a host name that does not resolve (or not within 3 s). `refuse` (default; use
 * it at delivery time) or `allow` (on write: the name may be set up later, or this server may have no DNS; the
 * delivery-time check, which refuses, is the real guard).
 */
export async function assertSafeWebhookUrl(
  raw: string,
  allowPrivate: boolean,
  options: { field?: string; resolve?: Resolver; unresolvable?: 'refuse' | 'allow' } = {},
): Promise<SafeWebhookTarget> {
  const field = options.field ?? 'webhookUrl';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('must be an absolute URL', field);
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    refuse(allowPrivate ? 'must use http or https' : 'must use https', field);
  }
  if (url.username || url.password) refuse('must not carry credentials', field);
  if (url.hash) refuse('must not carry a fragment', field);
  // A fully qualified name's trailing dot ("localhost.", "intranet.") names the same host: judged without it.
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '');
  if (!host) refuse('must name a host', field);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.'))) {
      refuse('must name a public host', field);
    }
    try {
      addresses = await (options.resolve ?? systemResolver)(host);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0) {
      if (options.unresolvable === 'allow') return { url, addresses: [] };
      refuse('the host name does not resolve', field);
    }
  }
  for (const a of addresses) {
    const cls = classifyAddress(a);
    if (cls === 'blocked') refuse('resolves to a link-local, metadata, multicast or reserved address', field);
    if (cls === 'private' && !allowPrivate) refuse('resolves to a loopback or private address', field);
  }
  return { url, addresses };
}
