import { Global, Module } from '@nestjs/common';
import { RecipientNotifier } from './recipient-notifier.service.js';

@Global()
@Module({ providers: [RecipientNotifier], exports: [RecipientNotifier] })
export class WebhooksModule {}
