/** What other features may use of recipients besides its module, service and repository: the webhook URL guard. */
export { assertSafeWebhookUrl, type Resolver, type SafeWebhookTarget } from './webhook-url.js';
export { ipv6Groups, isForbiddenAddress } from './address-ranges.js';
