import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../core/errors';
import type { ModuleRoute, RouteRequest, RouteResponse } from '../../core/module';
import type { SignatureCheck } from './webhook-signature';
import { isHandledEvent } from './webhook-events';
import type { WebhookService } from './webhook.service';

export const WEBHOOK_PATH = '/webhooks/github';

/** GitHub's delivery ids are GUIDs; anything longer than this is not one. */
const MAX_DELIVERY_ID_LENGTH = 100;

export interface WebhookEndpointOptions {
  /** Null when GITHUB_WEBHOOK_SECRET is unset: the route answers 404. */
  readonly check: SignatureCheck | null;
  readonly service: WebhookService;
  readonly em: () => EntityManager;
  readonly bodyLimitBytes: number;
}

/**
 * `POST /webhooks/github` (docs/webhooks.md): the signature is checked before anything is read
 * or stored (401 otherwise), events we do not act on are acknowledged (202, nothing stored), and
 * the others are applied once per `X-GitHub-Delivery` (200; a redelivery answers `duplicate`).
 */
export function webhookEndpoint(options: WebhookEndpointOptions): ModuleRoute {
  return {
    method: 'POST',
    url: WEBHOOK_PATH,
    bodyLimitBytes: options.bodyLimitBytes,
    contentTypes: ['application/json'],
    async handle(request: RouteRequest): Promise<RouteResponse> {
      if (!options.check) {
        throw new DomainError(
          'NOT_FOUND',
          'GitHub webhooks are not enabled on this server (GITHUB_WEBHOOK_SECRET is not set)',
        );
      }
      const signature = request.headers['x-hub-signature-256'];
      if (!signature) throw new DomainError('UNAUTHENTICATED', 'X-Hub-Signature-256 is missing');
      if (!(await options.check(request.body, signature))) {
        throw new DomainError('UNAUTHENTICATED', 'X-Hub-Signature-256 does not match the body');
      }
      const event = request.headers['x-github-event'];
      const id = request.headers['x-github-delivery'];
      if (!event || !id || id.length > MAX_DELIVERY_ID_LENGTH) {
        throw new DomainError('BAD_REQUEST', 'X-GitHub-Event and X-GitHub-Delivery are required');
      }
      if (!isHandledEvent(event)) return { status: 202, body: { status: 'ignored', event } };
      let payload: unknown;
      try {
        payload = JSON.parse(request.body);
      } catch {
        throw new DomainError('BAD_REQUEST', 'The delivery body is not valid JSON');
      }
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        throw new DomainError('BAD_REQUEST', 'The delivery body is not a JSON object');
      }
      const outcome = await options.service.receive(options.em(), {
        id,
        event,
        payload: payload as Record<string, unknown>,
      });
      return { status: 200, body: { ...outcome, event, deliveryId: id } };
    },
  };
}
