import type { EntityManager } from '@mikro-orm/postgresql';
import type { Cache } from '../../platform/cache/cache';
import type DataLoader from 'dataloader';
import { insightsLoader, type DeveloperVersion, type Loaders } from '../../core/loaders';
import { LanguageNode, LanguageShare } from './repository.types';

type LanguageKey = DeveloperVersion;

interface LanguageCount {
  readonly name: string;
  readonly repositories: number;
  readonly stars: number;
}

export type LanguageSharesLoader = DataLoader<LanguageKey, LanguageShare[], string>;

/** Shares of repositories and stars by primary language, largest share of repositories first. */
export function languageShares(counts: readonly LanguageCount[]): LanguageShare[] {
  const repositories = counts.reduce((sum, c) => sum + c.repositories, 0);
  const stars = counts.reduce((sum, c) => sum + c.stars, 0);
  return [...counts]
    .sort((a, b) => b.repositories - a.repositories || b.stars - a.stars || a.name.localeCompare(b.name))
    .map((c) =>
      Object.assign(new LanguageShare(), {
        language: Object.assign(new LanguageNode(), { name: c.name }),
        repositoryCount: c.repositories,
        repositoryShare: repositories ? c.repositories / repositories : 0,
        stargazerCount: c.stars,
        stargazerShare: stars ? c.stars / stars : 0,
      }),
    );
}

/** `User.languages`: one grouped query for every developer of a request; cached per harvest. */
export class LanguageSharesService {
  constructor(private readonly cache: Cache) {}

  /** The request's `languageShares` loader (core/loaders.ts). */
  createLoader(em: EntityManager): LanguageSharesLoader {
    return insightsLoader<LanguageKey, LanguageShare[]>(this.cache, 'languages', {
      load: (keys) => this.load(em, keys),
    });
  }

  shares(loaders: Loaders, user: DeveloperVersion): Promise<LanguageShare[]> {
    return loaders.languageShares.load({ userId: user.userId, harvestedAt: user.harvestedAt });
  }

  private async load(em: EntityManager, keys: readonly LanguageKey[]): Promise<LanguageShare[][]> {
    const rows = await em.execute<{ owner_id: string; name: string; repositories: string; stars: string }[]>(
      `select owner_id, primary_language as name, count(*) as repositories, sum(stargazer_count) as stars
       from repository where owner_id in (?) and primary_language is not null
       group by owner_id, primary_language`,
      [keys.map((k) => k.userId)],
    );
    const byOwner = new Map<number, LanguageCount[]>();
    for (const row of rows) {
      const owner = Number(row.owner_id);
      byOwner.set(owner, [
        ...(byOwner.get(owner) ?? []),
        { name: row.name, repositories: Number(row.repositories), stars: Number(row.stars) },
      ]);
    }
    return keys.map((k) => languageShares(byOwner.get(k.userId) ?? []));
  }
}
