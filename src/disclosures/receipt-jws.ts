import { CompactSign, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type CryptoKey } from 'jose';

/** The JWS algorithm of every receipt-signing key (Ed25519). */
export const RECEIPT_ALG = 'EdDSA';

/** A published verification key as it appears in `/.well-known/jwks.json` (RFC 7517). */
export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  kid: string;
  alg: string;
  use: string;
}

/**
 * A new Ed25519 key pair: the public half as a JWK ready to publish, the private half as PKCS#8 PEM
 * (the form stored, sealed, in `signing_keys.private_key_sealed`).
 */
export async function generateReceiptKey(kid: string): Promise<{ publicJwk: PublicJwk; privatePkcs8: string }> {
  const { publicKey, privateKey } = await generateKeyPair(RECEIPT_ALG, { crv: 'Ed25519', extractable: true });
  const { kty, crv, x } = await exportJWK(publicKey);
  if (kty === undefined || crv === undefined || x === undefined) throw new Error('unexpected Ed25519 JWK');
  return { publicJwk: { kty, crv, x, kid, alg: RECEIPT_ALG, use: 'sig' }, privatePkcs8: await exportPKCS8(privateKey) };
}

/** The private key from its stored PKCS#8 PEM. */
export function importReceiptKey(privatePkcs8: string): Promise<CryptoKey> {
  return importPKCS8(privatePkcs8, RECEIPT_ALG);
}

/** Compact JWS (RFC 7515) over the JSON of `payload`, protected header `{alg: EdDSA, kid, typ}`. */
export function signReceipt(payload: unknown, kid: string, typ: string, key: CryptoKey): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: RECEIPT_ALG, kid, typ })
    .sign(key);
}
