import { assertSafeWebhookUrl, classifyAddress } from './webhook-url.js';

const resolveTo = (...ips: string[]) => async () => ips;

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['127.0.0.1', 'private'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['::1', 'private'],
    ['fd12::1', 'private'],
    ['169.254.169.254', 'blocked'],
    ['169.254.1.1', 'blocked'],
    ['0.0.0.0', 'blocked'],
    ['::', 'blocked'],
    ['fe80::1', 'blocked'],
    ['224.0.0.1', 'blocked'],
    ['::ffff:127.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'blocked'],
    ['::ffff:a9fe:a9fe', 'blocked'],
    ['not-an-ip', 'blocked'],
    // The same judgement as at delivery: 6to4 of a private address, Teredo, 6to4 relay anycast.
    ['2002:a00:1::1', 'private'],
    ['2001:0:4136:e378::1', 'private'],
    ['192.88.99.1', 'private'],
    ['2002:808:808::1', 'public'],
  ])('%s is %s', (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });
});

describe('assertSafeWebhookUrl', () => {
  it('accepts https to a public address', async () => {
    const t = await assertSafeWebhookUrl('https://hooks.example.com/x', false, { resolve: resolveTo('93.184.216.34') });
    expect(t.addresses).toEqual(['93.184.216.34']);
  });
  it('refuses plain http by default', async () => {
    await expect(assertSafeWebhookUrl('http://hooks.example.com/x', false, { resolve: resolveTo('93.184.216.34') })).rejects.toMatchObject({ status: 400 });
  });
  it('refuses a host that resolves to a private address (DNS checked)', async () => {
    await expect(assertSafeWebhookUrl('https://intranet.example.com/', false, { resolve: resolveTo('93.184.216.34', '10.0.0.5') })).rejects.toMatchObject({ status: 400 });
  });
  it('refuses loopback, private and metadata literals by default', async () => {
    for (const u of ['https://127.0.0.1/', 'https://[::1]/', 'https://192.168.0.10/', 'https://169.254.169.254/latest/meta-data', 'https://localhost/']) {
      await expect(assertSafeWebhookUrl(u, false)).rejects.toMatchObject({ status: 400 });
    }
  });
  it('judges a name with a trailing dot (localhost., a dot-less intranet name.) as the name itself, even on write where unresolvable names pass', async () => {
    const nx = async () => {
      throw new Error('ENOTFOUND');
    };
    for (const u of ['https://localhost./', 'https://LOCALHOST../', 'https://api.localhost./', 'https://intranet./']) {
      await expect(assertSafeWebhookUrl(u, false, { resolve: nx, unresolvable: 'allow' })).rejects.toMatchObject({ status: 400 });
    }
    await expect(assertSafeWebhookUrl('https://hooks.example.com./x', false, { resolve: resolveTo('127.0.0.1') })).rejects.toMatchObject({ status: 400 });
    await expect(assertSafeWebhookUrl('https://hooks.example.com./x', false, { resolve: resolveTo('93.184.216.34') })).resolves.toBeDefined();
  });
  it('allows http and loopback/private with allowPrivate, but never link-local or metadata', async () => {
    await expect(assertSafeWebhookUrl('http://127.0.0.1:8080/hook', true)).resolves.toBeDefined();
    await expect(assertSafeWebhookUrl('http://10.0.0.1/hook', true)).resolves.toBeDefined();
    await expect(assertSafeWebhookUrl('http://169.254.169.254/', true)).rejects.toMatchObject({ status: 400 });
    await expect(assertSafeWebhookUrl('http://[fe80::1]/', true)).rejects.toMatchObject({ status: 400 });
  });
  it('lets an unresolvable name through only with unresolvable: allow (on write), still refusing private literals', async () => {
    const nx = async () => { throw new Error('ENOTFOUND'); };
    await expect(assertSafeWebhookUrl('https://hooks.example.com/x', false, { resolve: nx, unresolvable: 'allow' })).resolves.toMatchObject({ addresses: [] });
    await expect(assertSafeWebhookUrl('https://10.0.0.1/x', false, { resolve: nx, unresolvable: 'allow' })).rejects.toMatchObject({ status: 400 });
    await expect(assertSafeWebhookUrl('http://hooks.example.com/x', false, { resolve: nx, unresolvable: 'allow' })).rejects.toMatchObject({ status: 400 });
    await expect(assertSafeWebhookUrl('https://intranet.example.com/', false, { resolve: resolveTo('192.168.1.5'), unresolvable: 'allow' })).rejects.toMatchObject({ status: 400 });
  });

  it('refuses credentials, other schemes, unresolvable hosts and garbage', async () => {
    await expect(assertSafeWebhookUrl('https://u:p@hooks.example.com/', false, { resolve: resolveTo('93.184.216.34') })).rejects.toMatchObject({ status: 400 });
    await expect(assertSafeWebhookUrl('ftp://hooks.example.com/', true)).rejects.toMatchObject({ status: 400 });
    await expect(assertSafeWebhookUrl('not a url', true)).rejects.toMatchObject({ status: 400 });
    await expect(
      assertSafeWebhookUrl('https://nx.example.com/', false, { resolve: async () => { throw new Error('ENOTFOUND'); } }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
