import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { generateReceiptKey, importReceiptKey, signReceipt } from './receipt-jws.js';

// A key as stored by the earlier hand-written signer (node:crypto PKCS#8 PEM), its public JWK, and the
// receipt that signer made over PAYLOAD: Ed25519 is deterministic, so the library must give the same bytes.
const LEGACY_PEM = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEILvKYCgpTwlYiWncp5PXByT8XGl1QrwPwtLfQSGWGs6h\n-----END PRIVATE KEY-----\n';
const LEGACY_X = 'ZWOF8buaPFMdqH9zPQptpcIyk8xW6geqNIql8VjMh1M';
const KID = 'rapport-2026-01-01-0a1b2c3d';
const TYP = 'rapport-disclosure-receipt+jws';
const PAYLOAD = { id: '7d0f7a52-5a8e-4d8e-9b7a-1c2d3e4f5a6b', purpose: 'newsletter', fields: ['name', 'emails'], note: 'Zoë – ø' };
const LEGACY_JWS =
  'eyJhbGciOiJFZERTQSIsImtpZCI6InJhcHBvcnQtMjAyNi0wMS0wMS0wYTFiMmMzZCIsInR5cCI6InJhcHBvcnQtZGlzY2xvc3VyZS1yZWNlaXB0K2p3cyJ9' +
  '.eyJpZCI6IjdkMGY3YTUyLTVhOGUtNGQ4ZS05YjdhLTFjMmQzZTRmNWE2YiIsInB1cnBvc2UiOiJuZXdzbGV0dGVyIiwiZmllbGRzIjpbIm5hbWUiLCJlbWFpbHMiXSwibm90ZSI6Ilpvw6sg4oCTIMO4In0' +
  '.eIdbSTMhuj9PdIj8VaLQT-4YosFqcOVDML9PfdzAXufAOLoiR-2UeXabKaqQYAAPUXi-y8toUMMH6fy4CcJQDQ';

describe('receipt JWS (jose)', () => {
  it('signs with a stored legacy key exactly as before', async () => {
    const key = await importReceiptKey(LEGACY_PEM);
    expect(await signReceipt(PAYLOAD, KID, TYP, key)).toBe(LEGACY_JWS);
  });

  it('makes keys whose PEM round-trips and whose JWK verifies the receipt, header {alg, kid, typ}', async () => {
    const { publicJwk, privatePkcs8 } = await generateReceiptKey('k1');
    expect(Object.keys(publicJwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    expect(publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: 'k1', alg: 'EdDSA', use: 'sig' });
    expect(privatePkcs8).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const jws = await signReceipt(PAYLOAD, 'k1', TYP, await importReceiptKey(privatePkcs8));
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'EdDSA', kid: 'k1', typ: TYP });
    const { payload } = await compactVerify(jws, createLocalJWKSet({ keys: [publicJwk] }));
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(PAYLOAD);
  });

  it('fails verification under another key or with a changed payload', async () => {
    const legacyJwks = createLocalJWKSet({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: LEGACY_X, kid: KID, alg: 'EdDSA', use: 'sig' }] });
    await expect(compactVerify(LEGACY_JWS, legacyJwks)).resolves.toBeDefined();
    const other = await generateReceiptKey(KID);
    await expect(compactVerify(LEGACY_JWS, createLocalJWKSet({ keys: [other.publicJwk] }))).rejects.toThrow();
    const [h, , s] = LEGACY_JWS.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...PAYLOAD, purpose: 'sales' })).toString('base64url')}.${s}`;
    await expect(compactVerify(forged, legacyJwks)).rejects.toThrow();
  });
});
