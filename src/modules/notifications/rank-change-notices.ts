import type { EntityManager } from '@mikro-orm/postgresql';
import type { NotificationDispatcher } from './notification-dispatcher';

interface RankMove {
  login: string;
  login_key: string;
  now: number;
  before: number;
}

/**
 * RANK_CHANGED: when a ranking run completes, the global rank of every watched developer (of
 * recipients who chose the event) is compared with the previous completed run's; each move is
 * one event (`rank:<run>:<login>`), sent to recipients whose threshold it reaches.
 */
export class RankChangeNotices {
  constructor(
    private readonly dispatcher: NotificationDispatcher,
    private readonly fork: () => EntityManager,
  ) {}

  async runCompleted(runId: number): Promise<number> {
    const em = this.fork();
    const moves = await em.execute<RankMove[]>(
      `with previous as (
         select max(id) as id from ranking_run where status = 'completed' and id < ?
       ), watched as (
         select distinct jsonb_array_elements_text(preferences->'watchedLogins') as login_key
           from notification_recipient
          where verified and unsubscribed_at is null
            and preferences @> '{"enabled": true, "events": ["RANK_CHANGED"]}'::jsonb
       )
       select u.login, u.login_key, cur.global_rank as now, prev.global_rank as before
         from watched w
         join github_user u on u.login_key = w.login_key
         join ranking_snapshot cur on cur.run_id = ? and cur.user_id = u.id
         join ranking_snapshot prev on prev.run_id = (select id from previous) and prev.user_id = u.id
        where cur.global_rank <> prev.global_rank`,
      [runId, runId],
    );
    let recorded = 0;
    for (const move of moves) {
      const up = move.now < move.before;
      const places = Math.abs(move.now - move.before);
      recorded += await em.transactional((tx) =>
        this.dispatcher.dispatch(tx, {
          name: 'RANK_CHANGED',
          key: `rank:${runId}:${move.login_key}`,
          login: move.login_key,
          rankChange: places,
          severity: up ? 'success' : 'warning',
          content: {
            title: `${move.login} moved ${up ? 'up' : 'down'} ${places} place${places === 1 ? '' : 's'}`,
            lines: [`Global rank of ${move.login}: #${move.before} before, #${move.now} now.`],
          },
        }),
      );
    }
    return recorded;
  }
}
