import type { FakeDataset, FakeOrganization, FakeRepository, FakeUser } from './dataset-types';

/**
 * Look-ups over the dataset. They scan the arrays on every call (a few thousand entries at most)
 * instead of keeping indexes, so a test that mutates the dataset is never served stale data.
 */

export interface OwnedRepository {
  readonly repository: FakeRepository;
  readonly owner: FakeUser;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The account whose current login this is (case-insensitive, as GitHub). */
export function userByLogin(data: FakeDataset, login: string): FakeUser | undefined {
  return data.users.find((u) => same(u.login, login));
}

/** The account that used to have this login, when no account has it now. */
export function userByPreviousLogin(data: FakeDataset, login: string): FakeUser | undefined {
  if (userByLogin(data, login)) return undefined;
  return data.users.find((u) => u.previousLogins.some((old) => same(old, login)));
}

export function userById(data: FakeDataset, id: number): FakeUser | undefined {
  return data.users.find((u) => u.id === id);
}

export function repositoryById(data: FakeDataset, id: number): OwnedRepository | undefined {
  for (const owner of data.users) {
    const repository = owner.repositories.find((r) => r.id === id);
    if (repository) return { repository, owner };
  }
  return undefined;
}

/** A repository by `owner/name`; `renamedOwner` tells that the owner was found by a former login. */
export function repositoryByName(
  data: FakeDataset,
  ownerLogin: string,
  name: string,
): (OwnedRepository & { readonly renamedOwner: boolean }) | undefined {
  const current = userByLogin(data, ownerLogin);
  const owner = current ?? userByPreviousLogin(data, ownerLogin);
  const repository = owner?.repositories.find((r) => same(r.name, name));
  return owner && repository ? { repository, owner, renamedOwner: current === undefined } : undefined;
}

export function organizationsOf(data: FakeDataset, user: FakeUser): FakeOrganization[] {
  return user.organizationIds
    .map((id) => data.organizations.find((o) => o.id === id))
    .filter((o): o is FakeOrganization => o !== undefined);
}

/** Total pull requests of a repository, whatever their state. */
export function pullRequestTotal(repository: FakeRepository): number {
  return repository.openPullRequests + repository.closedPullRequests + repository.mergedPullRequests;
}
