import type { EntityManager } from '@mikro-orm/postgresql';
import type { ReportsExports } from '../reports/reports.module';
import type { DeveloperFigures } from './notification-developer-snapshot.entity';
import type { NotificationDispatcher, NotificationEvent } from './notification-dispatcher';

/** Follower and star milestones (the same ladder for both). */
export const MILESTONES = [100, 500, 1_000, 5_000, 10_000, 50_000, 100_000] as const;

const EVENTS = ['NEW_TROPHY', 'FOLLOWER_MILESTONE', 'STAR_MILESTONE'];

interface Developer {
  id: string;
  login: string;
  followers: number;
  public_repos: number;
  country_code: string | null;
  harvested_at: Date | null;
  stars: string;
}

/** The milestones of the ladder passed going from `before` to `now` (none going down). */
export function milestonesCrossed(before: number, now: number): number[] {
  return MILESTONES.filter((m) => before < m && m <= now);
}

/**
 * NEW_TROPHY, FOLLOWER_MILESTONE and STAR_MILESTONE: when a harvest of a developer watched by a
 * recipient of one of them completes, its followers, stars and earned badges are compared with
 * the snapshot of the previous completed harvest (the first one only records it). Each new badge
 * and each milestone passed is one event whose key names developer and badge or milestone, so a
 * recipient is told of it once, ever.
 */
export class DeveloperMilestoneNotices {
  constructor(
    private readonly dispatcher: NotificationDispatcher,
    private readonly reports: ReportsExports,
    private readonly fork: () => EntityManager,
  ) {}

  async harvestCompleted(key: string): Promise<number> {
    return this.fork().transactional(async (em) => {
      const [watched] = await em.execute<{ n: string }[]>(
        `select count(*) as n from notification_recipient
          where verified and unsubscribed_at is null and preferences @> ?::jsonb
            and jsonb_exists_any(preferences->'events', array[${EVENTS.map(() => '?').join(', ')}])`,
        [JSON.stringify({ enabled: true, watchedLogins: [key] }), ...EVENTS],
      );
      if (Number(watched?.n ?? 0) === 0) return 0;
      const [user] = await em.execute<Developer[]>(
        `select u.id, u.login, u.followers, u.public_repos, u.country_code, u.harvested_at,
           (select coalesce(sum(r.stargazer_count), 0) from repository r where r.owner_id = u.id) as stars
         from github_user u where u.login_key = ?`,
        [key],
      );
      if (!user) return 0;
      const figures = await this.figuresOf(em, user);
      const [previous] = await em.execute<{ figures: DeveloperFigures }[]>(
        `select figures from notification_developer_snapshot where login_key = ? for update`,
        [key],
      );
      await em.execute(
        `insert into notification_developer_snapshot (login_key, figures, updated_at) values (?, ?::jsonb, now())
           on conflict (login_key) do update set figures = excluded.figures, updated_at = now()`,
        [key, JSON.stringify(figures)],
      );
      if (!previous) return 0;
      let recorded = 0;
      for (const event of this.events(key, user.login, previous.figures, figures))
        recorded += await this.dispatcher.dispatch(em, event);
      return recorded;
    });
  }

  /** Forgets the snapshots of developers no recipient watches any more (they start over if watched again). */
  async prune(em: EntityManager): Promise<number> {
    const result = await em.execute<{ affectedRows: number }>(
      `delete from notification_developer_snapshot s
        where not exists (select 1 from notification_recipient r
                           where jsonb_exists(r.preferences->'watchedLogins', s.login_key))`,
      [],
      'run',
    );
    return result.affectedRows;
  }

  private async figuresOf(em: EntityManager, user: Developer): Promise<DeveloperFigures> {
    const report = await this.reports.badgesOf(em, {
      userId: Number(user.id),
      harvestedAt: user.harvested_at,
      followers: user.followers,
      publicRepos: user.public_repos,
      countryCode: user.country_code,
    });
    return {
      followers: user.followers,
      stars: Number(user.stars),
      badges: [
        ...report.trophies.filter((t) => t.tier).map((t) => `trophy:${t.kind}:${t.tier}:${t.name}`),
        ...report.achievements
          .filter((a) => a.level > 0)
          .map((a) => `achievement:${a.kind}:${a.level}:${a.name}`),
      ],
    };
  }

  private *events(
    key: string,
    login: string,
    before: DeveloperFigures,
    now: DeveloperFigures,
  ): Generator<NotificationEvent> {
    for (const badge of now.badges.filter((b) => !before.badges.includes(b))) {
      const [kind, id, level, ...rest] = badge.split(':') as [string, string, string, ...string[]];
      const name = rest.join(':');
      const label = kind === 'trophy' ? `${name} trophy (${level})` : `${name} achievement (level ${level})`;
      yield {
        name: 'NEW_TROPHY',
        key: `badge:${key}:${kind}:${id}:${level}`,
        login: key,
        severity: 'success',
        content: { title: `${login} earned the ${label}`, lines: [`${login} earned the ${label}.`] },
      };
    }
    for (const [name, what, figure] of [
      ['FOLLOWER_MILESTONE', 'followers', 'followers'],
      ['STAR_MILESTONE', 'stars', 'stars'],
    ] as const) {
      for (const milestone of milestonesCrossed(before[figure], now[figure])) {
        const count = milestone.toLocaleString('en-US');
        yield {
          name,
          key: `${what}:${key}:${milestone}`,
          login: key,
          severity: 'success',
          content: {
            title: `${login} passed ${count} ${what}`,
            lines: [
              `${login} has ${now[figure].toLocaleString('en-US')} ${what} now (${before[figure].toLocaleString('en-US')} before).`,
            ],
          },
        };
      }
    }
  }
}
