import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { ApiKeyDirectory } from './directories.js';
import { UnauthenticatedError } from './errors.js';
import { Principal } from './role.js';

/** `X-API-Key: rapk_…` → the key's principal. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(private readonly keys: ApiKeyDirectory) {
    super();
  }

  async validate(req: { headers: Record<string, string | string[] | undefined> }): Promise<Principal> {
    const header = req.headers['x-api-key'];
    const presented = Array.isArray(header) ? header[0] : header;
    const principal = presented ? await this.keys.authenticate(presented.trim()) : null;
    if (!principal) throw new UnauthenticatedError('The API key is unknown, revoked or expired');
    return principal;
  }
}
