import type { OrganizationSummary, SocialAccount } from '../../modules/users/github-user.entity';
import { loginKey, nameKey } from '../../modules/users/login';
import type { RowIssues } from './legacy-import.types';
import type { TableMapper } from './legacy-mapper';
import { USER_COLUMNS } from './legacy-target.writer';
import {
  canonicalJson,
  firstTimestamp,
  legacyInt,
  legacyJsonData,
  legacyText,
  legacyTimestamp,
  quietTimestamp,
  legacyJsonList,
} from './legacy-values';

export interface UserRecord {
  readonly legacyId: number;
  readonly login: string;
  readonly loginKey: string;
  readonly name: string | null;
  readonly nameKey: string | null;
  readonly avatarUrl: string | null;
  readonly bio: string | null;
  readonly company: string | null;
  readonly location: string | null;
  readonly websiteUrl: string | null;
  readonly followers: number;
  readonly following: number;
  readonly publicRepos: number;
  readonly publicGists: number;
  /** jsonb text, keys sorted. */
  readonly social: string;
  readonly organizations: string;
  readonly countryCode: string | null;
  readonly countryMatch: string | null;
  readonly harvestedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * Users -> github_user. `is_fetching` (the old queue's in-flight flag), `last_gist_fetch` and
 * `last_org_fetch` have no counterpart: harvests are tracked in harvest_job now.
 */

export const usersMapper: TableMapper<UserRecord> = {
  table: 'Users',
  columns: [
    'id',
    'username',
    'full_name',
    'avatar_url',
    'location',
    'company',
    'website',
    'bio',
    'followers',
    'following',
    'public_repos',
    'gists_count',
    'social',
    'organizations',
    'last_fetched',
    'createdAt',
    'updatedAt',
  ],
  prepare: (rows, context) =>
    context.locations.prepare?.(rows.map((r) => withoutNul(r.location))) ?? Promise.resolve(),
  map(row, issues, context) {
    const loser = context.merges.losers.get(row.id);
    const login = legacyText(row.username, 'username', issues) ?? '';
    if (loser) {
      issues.skipped(
        'merged-duplicate-login',
        `login "${login}" differs only in case from "${loser.winnerLogin}" (user ${loser.winnerId}, fetched later); merged into it`,
      );
      return null;
    }
    const name = legacyText(row.full_name, 'full_name', issues);
    const location = legacyText(row.location, 'location', issues);
    const country = context.locations.resolveLocation(location);
    const harvestedAt = legacyTimestamp(row.last_fetched, 'last_fetched', issues);
    const createdFallback = firstTimestamp([
      ['updatedAt', quietTimestamp(row.updatedAt)],
      ['last_fetched', harvestedAt],
    ]);
    const createdAt = legacyTimestamp(row.createdAt, 'createdAt', issues, createdFallback)!;
    const updatedAt = legacyTimestamp(row.updatedAt, 'updatedAt', issues, {
      value: createdAt,
      from: 'createdAt',
    })!;
    return {
      legacyId: row.id,
      login,
      loginKey: loginKey(login),
      name,
      nameKey: nameKey(name),
      avatarUrl: legacyText(row.avatar_url, 'avatar_url', issues),
      bio: legacyText(row.bio, 'bio', issues),
      company: legacyText(row.company, 'company', issues),
      location,
      websiteUrl: legacyText(row.website, 'website', issues),
      followers: legacyInt(row.followers, 0),
      following: legacyInt(row.following, 0),
      publicRepos: legacyInt(row.public_repos, 0),
      publicGists: legacyInt(row.gists_count, 0),
      social: canonicalJson(socialAccounts(row.social, issues)),
      organizations: canonicalJson(organizations(row.organizations, issues)),
      countryCode: country?.code ?? null,
      countryMatch: country?.method ?? null,
      harvestedAt,
      createdAt,
      updatedAt,
    };
  },
  key: (user) => user.loginKey,
  values: (record) => USER_COLUMNS.map(([, , value]) => value(record)),
};

/**
 * `social` held an object of platform -> URL or handle. Old rows may hold a JSON string (one link,
 * or the object encoded twice), `null`, `{}` or invalid JSON. The target keeps GitHub's shape: a
 * list of `{provider, url}`.
 */
function socialAccounts(value: unknown, issues: RowIssues): SocialAccount[] {
  let data = legacyJsonData(value, 'social', issues);
  if (data === undefined) return [];
  if (typeof data === 'string') {
    const inner = data.trim();
    try {
      data = inner.startsWith('{') || inner.startsWith('[') ? (JSON.parse(inner) as unknown) : inner;
    } catch {
      /* a plain string: one link */
    }
    issues.repaired(
      'reshaped-json',
      `social held a JSON string, not an object; read as ${typeof data === 'string' ? 'one link' : 'its content'}`,
    );
    if (typeof data === 'string') return data ? [{ provider: 'generic', url: data }] : [];
  }
  if (Array.isArray(data)) {
    const accounts = data.filter(
      (a): a is SocialAccount =>
        !!a && typeof a === 'object' && typeof a.provider === 'string' && typeof a.url === 'string',
    );
    if (accounts.length !== data.length)
      issues.repaired(
        'reshaped-json',
        `social: ${data.length - accounts.length} entries without provider and url dropped`,
      );
    return accounts.map((a) => ({ provider: a.provider, url: a.url }));
  }
  if (data && typeof data === 'object') {
    const accounts: SocialAccount[] = [];
    for (const [provider, url] of Object.entries(data)) {
      if (typeof url === 'string' && url.trim()) accounts.push({ provider: provider.toLowerCase(), url });
      else if (url !== null && url !== '')
        issues.repaired('reshaped-json', `social.${provider} is not text; dropped`);
    }
    return accounts;
  }
  issues.repaired('reshaped-json', `social held ${JSON.stringify(data)}; stored as empty`);
  return [];
}

/** `organizations`: array of `{login, avatar_url, description}` -> `{login, avatarUrl, description}`. */
function organizations(value: unknown, issues: RowIssues): OrganizationSummary[] {
  const data = legacyJsonList(value, 'organizations', issues);
  const result: OrganizationSummary[] = [];
  for (const org of data as Record<string, unknown>[]) {
    if (!org || typeof org !== 'object' || typeof org.login !== 'string') continue;
    result.push({
      login: org.login,
      avatarUrl: typeof org.avatar_url === 'string' ? org.avatar_url : null,
      description: typeof org.description === 'string' ? org.description : null,
    });
  }
  if (result.length !== data.length)
    issues.repaired(
      'reshaped-json',
      `organizations: ${data.length - result.length} entries without a login dropped`,
    );
  return result;
}

/** A location as `legacyText` hands it to the resolver. */
function withoutNul(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return (typeof value === 'string' ? value : String(value)).replaceAll('\u0000', '');
}
