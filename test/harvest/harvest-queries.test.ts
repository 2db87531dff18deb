import { describe, expect, it } from 'vitest';
import {
  COMMIT_PAGE_QUERY,
  CONTRIBUTIONS_QUERY,
  ITEM_KINDS,
  itemPageQuery,
  REPOSITORY_COUNTS_QUERY,
} from '../../src/modules/harvest/harvest-graphql';
import { checkGitHubQuery } from '../support/fake-github';

/** Every GraphQL document the harvester sends, checked against GitHub's published schema. */
describe('harvest GraphQL documents', () => {
  const range = { login: 'octocat', from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' };
  const documents: [string, string, Record<string, unknown>][] = [
    [
      'repository counts',
      REPOSITORY_COUNTS_QUERY,
      { login: 'octocat', authorId: 'MDQ6VXNlcjE=', first: 100, after: null },
    ],
    ['contributions', CONTRIBUTIONS_QUERY, range],
    ['commit contributions page', COMMIT_PAGE_QUERY, { ...range, after: 'Y3Vyc29yOjEwMA==' }],
    ...ITEM_KINDS.map((kind): [string, string, Record<string, unknown>] => [
      `${kind} page`,
      itemPageQuery(kind),
      { ...range, after: 'Y3Vyc29yOjEwMA==' },
    ]),
  ];
  it.each(documents)('%s is valid on GitHub and cheap', (_name, document, variables) => {
    const check = checkGitHubQuery(document, variables);
    expect(check.errors).toEqual([]);
    // Repository counts: 100 repositories' commits, pull requests, issues and watchers in 4 points.
    expect(check.cost).toBeLessThanOrEqual(4);
  });
});
