import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConnectionShape, KeysetOrdering } from '../../core/cursors';
import { isCursorInt, isCursorTime, keysetAfter, keysetPage, pageSize } from '../../core/cursors';
import type { Cache } from '../../platform/cache/cache';
import type DataLoader from 'dataloader';
import { insightsLoader, type DeveloperVersion, type Loaders } from '../../core/loaders';
import { repositoryRecord } from './repository.rows';
import { RepositoryNode, RepositoryOrderField } from './repository.types';

type Row = Record<string, unknown>;

/** Window orderings over one owner's rows (aliased `o`); cursors hold two values. */
type Ordering = KeysetOrdering<Row>;

const UPDATED = `coalesce(o.github_updated_at, 'epoch'::timestamptz)`;

const ORDERINGS: Record<RepositoryOrderField, Ordering> = {
  STARS: {
    tag: 'S',
    orderBy: 'o.stargazer_count desc, o.id desc',
    after: '(o.stargazer_count, o.id) < (?, ?)',
    values: (r) => [Number(r.stargazer_count), Number(r.id)],
    valid: ([s, id]) => isCursorInt(s) && isCursorInt(id),
  },
  FORKS: {
    tag: 'F',
    orderBy: 'o.fork_count desc, o.id desc',
    after: '(o.fork_count, o.id) < (?, ?)',
    values: (r) => [Number(r.fork_count), Number(r.id)],
    valid: ([f, id]) => isCursorInt(f) && isCursorInt(id),
  },
  UPDATED: {
    tag: 'U',
    orderBy: `${UPDATED} desc, o.id desc`,
    after: `(${UPDATED}, o.id) < (?::timestamptz, ?)`,
    values: (r) => [new Date((r.github_updated_at as Date | null) ?? 0).toISOString(), Number(r.id)],
    valid: ([u, id]) => isCursorTime(u) && isCursorInt(id),
  },
  NAME: {
    tag: 'N',
    orderBy: 'lower(o.name) asc, o.id asc',
    after: '(lower(o.name), o.id) > (?, ?)',
    values: (r) => [String(r.name).toLowerCase(), Number(r.id)],
    valid: ([n, id]) => typeof n === 'string' && isCursorInt(id),
  },
};

export interface RepositoryPageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
  readonly orderBy: RepositoryOrderField;
}

export interface PageKey extends DeveloperVersion {
  readonly size: number;
  readonly orderBy: RepositoryOrderField;
  /** The cursor's values (validated), or null for the first page. */
  readonly after: (string | number)[] | null;
}

export type RepositoryPage = ConnectionShape<RepositoryNode>;
export type RepositoryPagesLoader = DataLoader<PageKey, RepositoryPage, string>;

/**
 * `User.repositories`: one page per developer. Every developer of a request asking the same
 * page (size, ordering, cursor) is answered by ONE query that numbers each owner's rows with
 * `row_number() over (partition by owner_id order by ...)`; pages are cached per developer and
 * harvest.
 */
export class RepositoryPagesService {
  constructor(private readonly cache: Cache) {}

  /** The request's `repositoryPages` loader (core/loaders.ts). */
  createLoader(em: EntityManager): RepositoryPagesLoader {
    return insightsLoader<PageKey, RepositoryPage>(this.cache, 'repos', {
      args: (k) => [k.orderBy, k.size, JSON.stringify(k.after)],
      group: (k) => JSON.stringify([k.orderBy, k.size, k.after]),
      load: (keys) => this.load(em, keys),
    });
  }

  async page(loaders: Loaders, user: DeveloperVersion, args: RepositoryPageArgs): Promise<RepositoryPage> {
    const ordering = ORDERINGS[args.orderBy];
    const key: PageKey = {
      userId: user.userId,
      harvestedAt: user.harvestedAt,
      size: pageSize(args.first),
      orderBy: args.orderBy,
      after: keysetAfter(ordering, args.after, 2),
    };
    return loaders.repositoryPages.load(key);
  }

  /** One query for a group of developers sharing size, ordering and cursor. */
  private async load(em: EntityManager, keys: readonly PageKey[]): Promise<RepositoryPage[]> {
    const { size, orderBy, after } = keys[0]!;
    const ordering = ORDERINGS[orderBy];
    const rows = await em.execute<Row[]>(
      `with owned as (
         select r.*, count(*) over (partition by r.owner_id) as total_count
         from repository r where r.owner_id in (?)
       ), totals as (
         select owner_id as page_owner, max(total_count) as page_total from owned group by owner_id
       ), ranked as (
         select o.*, row_number() over (partition by o.owner_id order by ${ordering.orderBy}) as position
         from owned o where ${after ? ordering.after : 'true'}
       )
       select t.page_owner, t.page_total, k.*
       from totals t left join ranked k on k.owner_id = t.page_owner and k.position <= ?
       order by t.page_owner, k.position`,
      [keys.map((k) => k.userId), ...(after ?? []), size + 1],
    );
    const byOwner = new Map<number, { total: number; rows: Row[] }>();
    for (const row of rows) {
      const owner = Number(row.page_owner);
      const entry = byOwner.get(owner) ?? { total: Number(row.page_total), rows: [] };
      if (row.id != null) entry.rows.push(row);
      byOwner.set(owner, entry);
    }
    return keys.map((key) => {
      const entry = byOwner.get(key.userId) ?? { total: 0, rows: [] };
      return keysetPage(
        entry.rows,
        { size, totalCount: entry.total, hasPrevious: after !== null },
        ordering,
        (row) => RepositoryNode.from(repositoryRecord(row)),
      );
    });
  }
}
