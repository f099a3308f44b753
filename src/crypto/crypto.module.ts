import { Global, Module } from '@nestjs/common';
import { ContactKeysPersonalData } from './contact-keys-personal-data.js';
import { ContactKeysRepository } from './contact-keys.repository.js';
import { CryptoService } from './crypto.service.js';

@Global()
@Module({ providers: [CryptoService, ContactKeysRepository, ContactKeysPersonalData], exports: [CryptoService] })
export class CryptoModule {}
