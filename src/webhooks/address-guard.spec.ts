import type { LookupAddress } from 'node:dns';
import {
  ipv6Groups,
  isForbiddenAddress,
  parseWebhookUrl,
  safeLookup,
  UnsafeWebhookUrlError,
} from './address-guard.js';

describe('isForbiddenAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '64:ff9b::a9fe:a9fe',
    '2002:7f00:1::',
    'ff02::1',
    'not-an-ip',
  ])('should refuse %s', (a) => expect(isForbiddenAddress(a)).toBe(true));

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '172.32.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '2a00:1450:4001:82a::200e',
  ])('should allow %s', (a) => expect(isForbiddenAddress(a)).toBe(false));

  it('should expand IPv6 addresses', () => {
    expect(ipv6Groups('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(ipv6Groups('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ipv6Groups('1::2::3')).toBeUndefined();
  });
});

describe('parseWebhookUrl', () => {
  it('should accept only https to public hosts by default', () => {
    expect(parseWebhookUrl('https://hooks.example.org/x', false).hostname).toBe('hooks.example.org');
    expect(() => parseWebhookUrl('http://hooks.example.org/x', false)).toThrow(UnsafeWebhookUrlError);
    expect(() => parseWebhookUrl('https://127.0.0.1/x', false)).toThrow(UnsafeWebhookUrlError);
    expect(() => parseWebhookUrl('https://[::1]/x', false)).toThrow(UnsafeWebhookUrlError);
    expect(() => parseWebhookUrl('https://user:pw@hooks.example.org/', false)).toThrow(UnsafeWebhookUrlError);
    expect(() => parseWebhookUrl('ftp://hooks.example.org/', true)).toThrow(UnsafeWebhookUrlError);
  });

  it('should accept http and loopback when private targets are allowed', () => {
    expect(parseWebhookUrl('http://127.0.0.1:8080/hook', true).port).toBe('8080');
  });
});

describe('safeLookup', () => {
  const resolver =
    (addresses: LookupAddress[]) => (_h: string, _o: unknown, cb: (e: null, a: LookupAddress[]) => void) =>
      cb(null, addresses);
  const run = (addresses: LookupAddress[], all: boolean) =>
    new Promise<{ err: Error | null; result: unknown }>((resolve) =>
      (
        safeLookup(resolver(addresses)) as unknown as (
          h: string,
          o: object,
          cb: (e: Error | null, r?: unknown) => void,
        ) => void
      )('hooks.example.org', { all }, (err, result) => resolve({ err, result })),
    );

  it('should refuse a host that resolves to a private address (DNS rebinding)', async () => {
    const { err } = await run(
      [
        { address: '93.184.216.34', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
      true,
    );
    expect(err).toBeInstanceOf(UnsafeWebhookUrlError);
  });

  it('should hand the checked public address to the connection', async () => {
    expect((await run([{ address: '93.184.216.34', family: 4 }], false)).result).toBe('93.184.216.34');
    expect((await run([{ address: '93.184.216.34', family: 4 }], true)).result).toEqual([
      { address: '93.184.216.34', family: 4 },
    ]);
  });
});
