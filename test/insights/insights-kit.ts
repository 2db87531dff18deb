import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../src/config/config';
import { DailyActivity } from '../../src/modules/activity/daily-activity.entity';
import { appEntities } from '../../src/app';
import type { HarvestRequests, HarvestState } from '../../src/modules/harvest/harvest-requests';
import type { HarvestTrigger } from '../../src/modules/harvest/harvest-job.entity';
import { Repository } from '../../src/modules/repositories/repository.entity';
import { GithubUser } from '../../src/modules/users/github-user.entity';
import { openDatabase } from '../../src/platform/database/database';
import { createLogger } from '../../src/platform/logging/logger';

/** A harvest service that records what it was asked (dedup is the real service's job). */
export class RecordingHarvests implements HarvestRequests {
  readonly calls: { login: string; trigger: HarvestTrigger }[] = [];
  failWith: Error | undefined;

  async request(_em: EntityManager, login: string, trigger: HarvestTrigger): Promise<HarvestState> {
    if (this.failWith) throw this.failWith;
    this.calls.push({ login, trigger });
    return state(login, trigger);
  }

  async latest(_em: EntityManager, login: string): Promise<HarvestState | null> {
    return login === 'has-history' ? { ...state(login, 'manual'), status: 'completed', progress: 100 } : null;
  }

  async byId(): Promise<HarvestState | null> {
    return null;
  }
}

function state(login: string, trigger: HarvestTrigger): HarvestState {
  return {
    jobId: `job-${login}`,
    login,
    status: 'queued',
    trigger,
    progress: 0,
    stage: null,
    attempts: 0,
    error: null,
    enqueuedAt: new Date('2026-01-01T00:00:00Z'),
    startedAt: null,
    finishedAt: null,
  };
}

/** Runs `fn` with an EntityManager on the test app's own database, then flushes. */
export async function seed<T>(config: Config, fn: (em: EntityManager) => T | Promise<T>): Promise<T> {
  const db = await openDatabase(config, appEntities(), createLogger('silent'));
  try {
    const em = db.orm.em.fork() as EntityManager;
    const result = await fn(em);
    await em.flush();
    return result;
  } finally {
    await db.close();
  }
}

let nextGithubId = 1_000;

export function makeUser(em: EntityManager, login: string, fields: Partial<GithubUser> = {}): GithubUser {
  const user = em.create(GithubUser, {
    githubId: nextGithubId++,
    login,
    loginKey: login.toLowerCase(),
    name: null,
    nameKey: null,
    harvestedAt: new Date(),
    social: [],
    organizations: [],
    ...fields,
  } as GithubUser);
  if (fields.name) user.nameKey = fields.name.toLowerCase();
  return user;
}

export function makeRepository(
  em: EntityManager,
  owner: GithubUser,
  name: string,
  fields: Partial<Repository> = {},
) {
  return em.create(Repository, {
    githubId: nextGithubId++,
    owner,
    name,
    topics: [],
    ...fields,
  } as Repository);
}

export function makeDay(
  em: EntityManager,
  user: GithubUser,
  date: string,
  fields: Partial<DailyActivity> = {},
) {
  return em.create(DailyActivity, { user, date, commits: 0, ...fields } as DailyActivity);
}

/** Strips ANSI colours from a log message. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
