import { createHash } from 'node:crypto';
import { DAY_MS } from './dataset-builders';
import type { FakeDataset, FakeItemContribution, FakeRepository, FakeUser } from './dataset-types';
import { repositoryById } from './dataset-queries';
import {
  avatarUrl,
  type GitHubEvent,
  HTML_BASE,
  type IssueSearchItem,
  nodeId,
  simpleUser,
} from './rest-bodies';

/**
 * The public events feed, derived from the same contributions GraphQL serves, with GitHub's
 * limits: events of the last 90 days only, at most 300 of them, newest first.
 *
 * Since 2025 GitHub's PushEvent payload carries no commit list or size (see the schema in
 * @octokit/openapi-types: `repository_id, push_id, ref, head, before`), so the events feed can
 * count pushes, not commits; a harvester falling back to it must say so.
 */
export const EVENTS_MAX = 300;
export const EVENTS_MAX_AGE_DAYS = 90;

const sha = (seed: string): string => createHash('sha1').update(seed).digest('hex');

function actor(user: FakeUser, api: string): GitHubEvent['actor'] {
  return {
    id: user.id,
    login: user.login,
    display_login: user.login,
    gravatar_id: '',
    url: `${api}/users/${user.login}`,
    avatar_url: avatarUrl(user.id),
  };
}

export function userEvents(data: FakeDataset, user: FakeUser, api: string, nowMs: number): GitHubEvent[] {
  const since = nowMs - EVENTS_MAX_AGE_DAYS * DAY_MS;
  const events: GitHubEvent[] = [];
  const repo = (repositoryId: number): { owner: FakeUser; repository: FakeRepository } | undefined =>
    repositoryById(data, repositoryId);
  const base = (
    type: string,
    at: string,
    target: { owner: FakeUser; repository: FakeRepository },
    key: string,
  ) => ({
    id: String(BigInt(`0x${sha(key).slice(0, 12)}`)),
    type,
    actor: actor(user, api),
    repo: {
      id: target.repository.id,
      name: `${target.owner.login}/${target.repository.name}`,
      url: `${api}/repos/${target.owner.login}/${target.repository.name}`,
    },
    public: true,
    created_at: at,
  });
  for (const c of user.contributions.commits) {
    const at = `${c.date}T12:00:00Z`;
    const target = repo(c.repositoryId);
    if (!target || Date.parse(at) < since || Date.parse(at) > nowMs) continue;
    const key = `push:${user.id}:${c.repositoryId}:${c.date}`;
    events.push({
      ...base('PushEvent', at, target, key),
      payload: {
        repository_id: target.repository.id,
        push_id: Number.parseInt(sha(key).slice(0, 10), 16),
        ref: `refs/heads/${target.repository.defaultBranch}`,
        head: sha(`${key}:head`),
        before: sha(`${key}:before`),
      },
    });
  }
  const items: [string, FakeItemContribution[]][] = [
    ['PullRequestEvent', user.contributions.pullRequests],
    ['IssuesEvent', user.contributions.issues],
    ['PullRequestReviewEvent', user.contributions.reviews],
  ];
  for (const [type, list] of items) {
    for (const item of list) {
      const target = repo(item.repositoryId);
      const at = Date.parse(item.occurredAt);
      if (!target || at < since || at > nowMs) continue;
      const key = `${type}:${user.id}:${item.repositoryId}:${item.number}`;
      events.push({
        ...base(type, item.occurredAt, target, key),
        payload: eventPayload(type, item, target, user, api),
      });
    }
  }
  events.sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''));
  return events.slice(0, EVENTS_MAX);
}

function eventPayload(
  type: string,
  item: FakeItemContribution,
  target: { owner: FakeUser; repository: FakeRepository },
  user: FakeUser,
  api: string,
): GitHubEvent['payload'] {
  const repoUrl = `${api}/repos/${target.owner.login}/${target.repository.name}`;
  const pullRequest = {
    id: item.repositoryId * 100_000 + item.number,
    number: item.number,
    url: `${repoUrl}/pulls/${item.number}`,
    head: {
      ref: `feature-${item.number}`,
      sha: sha(`head:${item.number}`),
      repo: { id: target.repository.id, url: repoUrl, name: target.repository.name },
    },
    base: {
      ref: target.repository.defaultBranch,
      sha: sha(`base:${item.number}`),
      repo: { id: target.repository.id, url: repoUrl, name: target.repository.name },
    },
  };
  if (type === 'PullRequestEvent')
    return { action: 'opened', number: item.number, pull_request: pullRequest };
  if (type === 'PullRequestReviewEvent') {
    return {
      action: 'created',
      review: { id: pullRequest.id + 7, state: 'approved' },
      pull_request: pullRequest,
    };
  }
  // The issues-event schema is GitHub's full issue; the search item has the same core fields.
  const {
    score: _score,
    state_reason: _reason,
    assignees,
    repository: _repository,
    ...issue
  } = issueItem(item, target, user, api, false);
  return {
    action: 'opened',
    issue: { ...issue, assignees: assignees ?? [], state_reason: null, labels: [] },
  };
}

/** An issue or pull request as search and events show it. */
export function issueItem(
  item: FakeItemContribution,
  target: { owner: FakeUser; repository: FakeRepository },
  author: FakeUser,
  api: string,
  isPullRequest: boolean,
): IssueSearchItem {
  const full = `${target.owner.login}/${target.repository.name}`;
  const url = `${api}/repos/${full}/issues/${item.number}`;
  const html = `${HTML_BASE}/${full}/${isPullRequest ? 'pull' : 'issues'}/${item.number}`;
  const id = target.repository.id * 100_000 + item.number;
  return {
    url,
    repository_url: `${api}/repos/${full}`,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: html,
    id,
    node_id: nodeId(isPullRequest ? 'PullRequest' : 'Issue', id),
    number: item.number,
    title: item.title,
    user: simpleUser(author, api),
    labels: [],
    state: isPullRequest ? 'closed' : 'open',
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: 0,
    created_at: item.occurredAt,
    updated_at: item.occurredAt,
    closed_at: isPullRequest ? item.occurredAt : null,
    author_association: target.owner.id === author.id ? 'OWNER' : 'CONTRIBUTOR',
    active_lock_reason: null,
    state_reason: null,
    body: `${item.title}.`,
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    reactions: {
      url: `${url}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
    ...(isPullRequest
      ? {
          pull_request: {
            merged_at: item.occurredAt,
            url: `${api}/repos/${full}/pulls/${item.number}`,
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
          },
        }
      : {}),
    score: 1,
  };
}
