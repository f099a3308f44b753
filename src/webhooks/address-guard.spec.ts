import {
  ipv6Groups,
  isForbiddenAddress,
  pinnedLookup,
  resolveDeliveryTarget,
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

describe('resolveDeliveryTarget', () => {
  const resolveTo = (...addresses: string[]) => async () => addresses;

  it('should accept https to a host with only public addresses, and return them for pinning', async () => {
    const t = await resolveDeliveryTarget('https://hooks.example.org/x', false, resolveTo('93.184.216.34'));
    expect(t.addresses).toEqual(['93.184.216.34']);
    expect(t.url.hostname).toBe('hooks.example.org');
  });

  it.each([
    ['http://hooks.example.org/x', ['93.184.216.34']],
    ['https://hooks.example.org/x', ['93.184.216.34', '10.0.0.5']],
    ['https://hooks.example.org/x', ['::ffff:7f00:1']],
    ['https://hooks.example.org/x', ['2002:a9fe:a9fe::1']],
    ['https://127.0.0.1/x', []],
    ['https://user:pw@hooks.example.org/', ['93.184.216.34']],
  ])('should refuse %s resolving to %j', async (url, addresses) => {
    await expect(resolveDeliveryTarget(url, false, resolveTo(...addresses))).rejects.toBeInstanceOf(UnsafeWebhookUrlError);
  });

  it('should allow http and loopback only with WEBHOOK_ALLOW_PRIVATE, never metadata addresses', async () => {
    await expect(resolveDeliveryTarget('http://127.0.0.1:8080/hook', true)).resolves.toMatchObject({ addresses: ['127.0.0.1'] });
    await expect(resolveDeliveryTarget('http://169.254.169.254/', true)).rejects.toBeInstanceOf(UnsafeWebhookUrlError);
  });
});

describe('pinnedLookup', () => {
  const call = (addresses: string[], options: object) =>
    new Promise<{ err: Error | null; result: unknown; family?: number }>((resolve) =>
      (pinnedLookup(addresses) as unknown as (h: string, o: object, cb: (e: Error | null, r?: unknown, f?: number) => void) => void)(
        'anything.example.org',
        options,
        (err, result, family) => resolve({ err, result, family }),
      ),
    );

  it('should answer only with the checked addresses, whatever the host name', async () => {
    expect(await call(['93.184.216.34'], {})).toMatchObject({ err: null, result: '93.184.216.34', family: 4 });
    expect((await call(['93.184.216.34', '2606:4700::1'], { all: true })).result).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700::1', family: 6 },
    ]);
    expect((await call(['93.184.216.34'], { family: 6 })).err).toBeInstanceOf(Error);
  });
});
