import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../core/errors';
import type { ConnectionShape, KeysetOrdering } from '../../core/cursors';
import { isCursorInt, isCursorTime, keysetAfter, keysetPage, pageSize } from '../../core/cursors';
import { GithubUser } from './github-user.entity';
import { UserNode, UserOrderField } from './user.types';

export const MAX_SEARCH_LENGTH = 64;

interface Ordering extends KeysetOrdering<GithubUser> {
  readonly arity: number;
}

/** Each ordering is served by an index: (followers, id), (harvested_at, id), unique login_key. */
const ORDERINGS: Record<UserOrderField, Ordering> = {
  FOLLOWERS: {
    tag: 'F',
    arity: 2,
    orderBy: 'u.followers desc, u.id desc',
    after: '(u.followers, u.id) < (?, ?)',
    values: (u) => [u.followers, u.id],
    valid: ([f, id]) => isCursorInt(f) && isCursorInt(id),
  },
  RECENTLY_HARVESTED: {
    tag: 'H',
    arity: 2,
    orderBy: 'u.harvested_at desc, u.id desc',
    after: '(u.harvested_at, u.id) < (?::timestamptz, ?)',
    values: (u) => [u.harvestedAt!.toISOString(), u.id],
    valid: ([h, id]) => isCursorTime(h) && isCursorInt(id),
  },
  LOGIN: {
    tag: 'L',
    arity: 1,
    orderBy: 'u.login_key asc',
    after: 'u.login_key > ?',
    values: (u) => [u.loginKey],
    valid: ([k]) => typeof k === 'string',
  },
};

/** Escapes LIKE's wildcards (and the escape character) so user text matches literally. */
export function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The search text, lower-cased and bounded; empty means no filter. */
export function searchKey(search: string | null | undefined): string | null {
  const text = (search ?? '').trim().toLowerCase();
  if (text.length > MAX_SEARCH_LENGTH)
    throw new DomainError('BAD_USER_INPUT', `search must be at most ${MAX_SEARCH_LENGTH} characters`, {
      argument: 'search',
    });
  return text || null;
}

export interface UserListArgs {
  readonly first?: number | null;
  readonly after?: string | null;
  readonly search?: string | null;
  readonly orderBy: UserOrderField;
}

/**
 * `users(...)`: harvested developers as a keyset-paginated connection. `search` matches login and
 * name prefixes through the `text_pattern_ops` indexes (`like 'prefix%'`, wildcards escaped).
 * Two queries whatever the page size: the page and its total.
 */
export class UserDirectoryService {
  async list(em: EntityManager, args: UserListArgs): Promise<ConnectionShape<UserNode>> {
    const size = pageSize(args.first);
    const ordering = ORDERINGS[args.orderBy];
    const search = searchKey(args.search);
    const where = ['u.harvested_at is not null'];
    const params: unknown[] = [];
    if (search) {
      where.push(`(u.login_key like ? escape '\\' or u.name_key like ? escape '\\')`);
      params.push(likePrefix(search), likePrefix(search));
    }
    const filter = where.join(' and ');
    const pageWhere = [filter];
    const pageParams = [...params];
    const after = keysetAfter(ordering, args.after, ordering.arity);
    if (after) {
      pageWhere.push(ordering.after);
      pageParams.push(...after);
    }
    const [rows, counted] = await Promise.all([
      em.execute<Record<string, unknown>[]>(
        `select u.* from github_user u where ${pageWhere.join(' and ')} order by ${ordering.orderBy} limit ?`,
        [...pageParams, size + 1],
      ),
      em.execute<{ total: string }[]>(`select count(*) as total from github_user u where ${filter}`, params),
    ]);
    return keysetPage(
      rows.map((row) => em.map(GithubUser, row)),
      { size, totalCount: Number(counted[0]?.total ?? 0), hasPrevious: after !== null },
      ordering,
      (user) => UserNode.from(user),
    );
  }
}
