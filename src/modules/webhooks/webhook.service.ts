import type { EntityManager } from '@mikro-orm/postgresql';
import { publishEvent, TOPICS } from '../../core/topics';
import type { Logger } from '../../platform/logging/logger';
import type { AppPubSub } from '../../platform/pubsub/pubsub';
import type { HarvestRequests } from '../harvest/harvest-requests';
import { Repository } from '../repositories/repository.entity';
import { GithubUser } from '../users/github-user.entity';
import { loginKey } from '../users/login';
import { WebhookDelivery } from './webhook-delivery.entity';
import { effectsOf, type HandledEvent, type RepositoryRef, type WebhookEffect } from './webhook-events';

export interface WebhookDeliveryInput {
  /** `X-GitHub-Delivery`. */
  readonly id: string;
  readonly event: HandledEvent;
  readonly payload: Record<string, unknown>;
}

export type WebhookOutcome =
  | { readonly status: 'duplicate' }
  | {
      readonly status: 'processed';
      /** Stored developers whose data the payload updated (userUpdated was published for each). */
      readonly updated: readonly string[];
      /** Stored developers a harvest was asked for (its end publishes userUpdated). */
      readonly refreshed: readonly string[];
    };

export interface WebhookServiceOptions {
  readonly requests: HarvestRequests;
  readonly pubSub: AppPubSub;
  readonly retentionMs: number;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/**
 * Applies a verified GitHub delivery to what we store, once per `X-GitHub-Delivery`:
 * 1. a delivery id already recorded changes nothing (`duplicate`);
 * 2. developers we store whose data the payload does not carry are harvested again (the harvest
 *    service's request: deduplicated per login, committed with its outbox job);
 * 3. in one transaction: the delivery id is recorded (a concurrent copy that recorded it first
 *    makes this one a duplicate and rolls back), ids older than the retention are deleted, and the
 *    counts, names and removals the payload carries are written to the stored repositories;
 * 4. `userUpdated` is published for each owner whose stored data changed.
 * Developers and repositories we do not store are left alone: a webhook never starts a harvest of
 * someone nobody asked for.
 */
export class WebhookService {
  private readonly now: () => Date;

  constructor(private readonly options: WebhookServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async receive(em: EntityManager, delivery: WebhookDeliveryInput): Promise<WebhookOutcome> {
    if (await em.findOne(WebhookDelivery, { deliveryId: delivery.id })) return { status: 'duplicate' };
    const effects = effectsOf(delivery.event, delivery.payload);
    const repositories = effects.flatMap((e) => (e.kind === 'refresh' ? [] : [e.repository]));
    const stored = await this.storedRepositories(em, repositories);
    // An effect on a repository we do not store (new, or not harvested yet): its owner is harvested.
    const refreshLogins = [
      ...effects.flatMap((e) => (e.kind === 'refresh' ? [e.login] : [])),
      ...repositories.filter((r) => !stored.has(r.githubId)).map((r) => r.ownerLogin),
    ];
    const refreshed = await this.refresh(em, refreshLogins);

    const owners = await em.fork().transactional(async (tx) => {
      const recorded = await tx.execute<{ delivery_id: string }[]>(
        'insert into webhook_delivery (delivery_id, event, action, received_at) values (?, ?, ?, ?) ' +
          'on conflict do nothing returning delivery_id',
        [delivery.id, delivery.event, actionOf(delivery.payload), this.now()],
      );
      if (recorded.length === 0) return null;
      await tx.nativeDelete(WebhookDelivery, {
        receivedAt: { $lt: new Date(this.now().getTime() - this.options.retentionMs) },
      });
      const changed = new Map<number, string>();
      for (const effect of effects) {
        if (effect.kind === 'refresh') continue;
        const row = stored.get(effect.repository.githubId);
        if (!row) continue;
        if (await applyEffect(tx, effect)) changed.set(row.ownerId, row.ownerLogin);
      }
      return changed;
    });
    if (owners === null) return { status: 'duplicate' };
    for (const [userId, login] of owners) {
      publishEvent(this.options.pubSub, TOPICS.USER_UPDATED, loginKey(login), {
        login,
        userId,
        harvestJobId: null,
      });
    }
    const outcome = { status: 'processed' as const, updated: [...owners.values()], refreshed };
    this.options.logger.info(
      { deliveryId: delivery.id, event: delivery.event, ...outcome },
      'webhook delivery applied',
    );
    return outcome;
  }

  /** Stored repositories by GitHub id, with their owner. */
  private async storedRepositories(
    em: EntityManager,
    refs: readonly RepositoryRef[],
  ): Promise<Map<number, { ownerId: number; ownerLogin: string }>> {
    if (refs.length === 0) return new Map();
    const rows = await em.find(
      Repository,
      { githubId: { $in: [...new Set(refs.map((r) => r.githubId))] } },
      { populate: ['owner'] },
    );
    return new Map(rows.map((r) => [r.githubId!, { ownerId: r.owner.id, ownerLogin: r.owner.login }]));
  }

  /** Asks for a harvest of each stored developer among `logins`; returns their logins. */
  private async refresh(em: EntityManager, logins: readonly string[]): Promise<string[]> {
    const keys = [...new Set(logins.map(loginKey))];
    if (keys.length === 0) return [];
    const users = await em.find(GithubUser, { loginKey: { $in: keys } }, { fields: ['login'] });
    for (const user of users) await this.options.requests.request(em, user.login, 'webhook');
    return users.map((u) => u.login);
  }
}

function actionOf(payload: Record<string, unknown>): string | null {
  return typeof payload.action === 'string' ? payload.action : null;
}

/** Writes one effect to the stored repository; true when a row changed. */
async function applyEffect(
  tx: EntityManager,
  effect: Exclude<WebhookEffect, { kind: 'refresh' }>,
): Promise<boolean> {
  const where = { githubId: effect.repository.githubId };
  switch (effect.kind) {
    case 'counts':
      return (
        Object.keys(effect.counts).length > 0 && (await tx.nativeUpdate(Repository, where, effect.counts)) > 0
      );
    case 'renamed':
      return (await tx.nativeUpdate(Repository, where, { name: effect.repository.name })) > 0;
    case 'removed':
      return (await tx.nativeDelete(Repository, where)) > 0;
  }
}
