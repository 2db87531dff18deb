import { defineModule, moduleKey } from '../../core/module';
import { TOPICS } from '../../core/topics';
import { HARVEST } from '../harvest/harvest.module';
import { WebhookDelivery } from './webhook-delivery.entity';
import { webhookEndpoint } from './webhook.endpoint';
import { WebhookService } from './webhook.service';
import { loadSignatureCheck } from './webhook-signature';

/**
 * GitHub webhooks (docs/webhooks.md): `POST /webhooks/github`, verified with GITHUB_WEBHOOK_SECRET,
 * applied once per delivery id (`webhook_delivery`), updating stored repository counts or asking
 * harvest for a refresh, then publishing `userUpdated`. Without a secret the route answers 404.
 */
export const webhooksModule = defineModule({
  key: moduleKey('webhooks'),
  entities: [WebhookDelivery],
  resolvers: [],
  async create(platform, { use }) {
    const { config, logger } = platform;
    const service = new WebhookService({
      requests: use(HARVEST).requests,
      pubSub: platform.pubSub,
      retentionMs: config.webhooks.deliveryRetentionMs,
      logger: logger.child({ component: 'webhooks' }),
    });
    const check = config.webhooks.secret ? await loadSignatureCheck(config.webhooks.secret) : null;
    return {
      routes: [
        webhookEndpoint({
          check,
          service,
          em: () => platform.em.fork(),
          bodyLimitBytes: config.webhooks.bodyLimitBytes,
        }),
      ],
      topics: [TOPICS.USER_UPDATED],
      exports: undefined,
    };
  },
});
