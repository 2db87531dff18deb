import type { EntityManager } from '@mikro-orm/postgresql';
import { DailyActivity } from '../activity/daily-activity.entity';
import { Repository } from '../repositories/repository.entity';
import { GithubUser } from '../users/github-user.entity';
import { loginKey, nameKey } from '../users/login';
import type { HarvestedUser } from './harvest-data';
import { HarvestJob } from './harvest-job.entity';

/** Resolves a profile's free-text location to a country (the rankings' location resolver). */
export type CountryLocator = (location: string) => { code: string; method: string } | null;

export interface WriteResult {
  readonly userId: number;
  readonly repositories: number;
  readonly activityDays: number;
  readonly repositoriesDeleted: number;
}

/**
 * Writes a harvest in one transaction, with idempotent upserts: the user by GitHub id (else by
 * login, for rows imported before their id was known), repositories by GitHub id, activity by
 * (user, day); repositories gone from GitHub are deleted, and stored days of the harvested window
 * that no longer show activity are removed. The job record is marked completed in the same
 * transaction, so "completed" and the data appear together or not at all.
 */
export async function writeHarvest(
  em: EntityManager,
  jobId: string,
  harvested: HarvestedUser,
  harvestedAt: Date,
  locate?: CountryLocator,
): Promise<WriteResult> {
  return em.transactional(async (tx) => {
    const { profile } = harvested;
    const key = loginKey(profile.login);
    let user = await tx.findOne(GithubUser, { githubId: profile.githubId });
    const holder = await tx.findOne(GithubUser, { loginKey: key });
    if (holder && holder !== user) {
      if (!user && holder.githubId === null) {
        user = holder; // imported by login; now confirmed
      } else if (holder.githubId === null) {
        tx.remove(holder); // an unconfirmed duplicate of this account
      } else {
        // Another account had this login and was renamed since: park its key until it is harvested
        // under its new login (its GitHub id finds it then). `#` never occurs in a login.
        holder.loginKey = `#${holder.githubId}`;
      }
      await tx.flush();
    }
    if (!user) {
      user = Object.assign(new GithubUser(), { login: profile.login, loginKey: key });
      tx.persist(user);
    }
    const country = profile.location && locate ? locate(profile.location) : null;
    tx.assign(user, {
      githubId: profile.githubId,
      login: profile.login,
      loginKey: key,
      name: profile.name,
      nameKey: nameKey(profile.name),
      avatarUrl: profile.avatarUrl,
      bio: profile.bio,
      company: profile.company,
      location: profile.location,
      websiteUrl: profile.websiteUrl,
      followers: profile.followers,
      following: profile.following,
      publicRepos: profile.publicRepos,
      publicGists: profile.publicGists,
      social: harvested.social,
      organizations: harvested.organizations,
      ...(locate ? { countryCode: country?.code ?? null, countryMatch: country?.method ?? null } : {}),
      githubCreatedAt: profile.createdAt,
      githubUpdatedAt: profile.updatedAt,
      // Private contributions are known from GraphQL only; the events feed keeps the stored figure.
      ...(harvested.activity.source === 'graphql'
        ? { restrictedContributions: harvested.activity.restrictedContributions }
        : {}),
      harvestedAt,
    });
    await tx.flush();

    const ids = harvested.repositories.map((r) => r.githubId);
    const repositoriesDeleted = await tx.nativeDelete(
      Repository,
      ids.length > 0 ? { owner: user.id, githubId: { $nin: ids } } : { owner: user.id },
    );
    if (harvested.repositories.length > 0) {
      await tx.upsertMany(
        Repository,
        // The harvested fields are the entity's, but for GitHub's times and `fullName` (not stored).
        harvested.repositories.map(({ fullName: _fullName, createdAt, updatedAt, ...repository }) => ({
          ...repository,
          owner: user.id,
          githubCreatedAt: createdAt,
          githubUpdatedAt: updatedAt,
          harvestedAt,
        })),
        {
          onConflictFields: ['githubId'],
          onConflictAction: 'merge',
          // An unauthenticated harvest (events fallback) knows no commit or PR counts: keep the stored ones.
          onConflictExcludeFields:
            harvested.activity.source === 'events' ? ['id', 'commitCount', 'pullRequestCount'] : ['id'],
        },
      );
    }

    const { activity } = harvested;
    const dates = activity.days.map((d) => d.date);
    await tx.nativeDelete(DailyActivity, {
      user: user.id,
      date: dates.length
        ? { $gte: activity.firstDay, $lte: activity.lastDay, $nin: dates }
        : { $gte: activity.firstDay, $lte: activity.lastDay },
    });
    if (activity.days.length > 0) {
      await tx.upsertMany(
        DailyActivity,
        activity.days.map((day) => ({ ...day, user: user.id })),
        { onConflictFields: ['user', 'date'], onConflictAction: 'merge' },
      );
    }
    await tx.nativeUpdate(
      HarvestJob,
      { id: jobId },
      { status: 'completed', progress: 100, stage: 'done', error: null, finishedAt: new Date() },
    );
    return {
      userId: user.id,
      repositories: harvested.repositories.length,
      activityDays: activity.days.length,
      repositoriesDeleted,
    };
  });
}
