import type { MetricSample, ObservedMetric } from '../../core/metrics';
import type { TokenPool } from '../../platform/github/token-pool';

/**
 * The token pool's budgets for `GET /metrics`, per token by its masked fingerprint (never a token
 * value) and GitHub resource (core, graphql, search, ...), and how many tokens are valid or rejected.
 */
export function githubPoolMetrics(pool: Pick<TokenPool, 'snapshot'>): ObservedMetric[] {
  const budgets = (field: 'remaining' | 'limit') => (): MetricSample[] =>
    pool.snapshot().tokens.flatMap((token) =>
      Object.entries(token.resources).map(([resource, budget]) => ({
        labels: { token: token.id, resource },
        value: budget[field],
      })),
    );
  return [
    {
      name: 'insights_github_budget_remaining',
      help: 'GitHub rate-limit budget left per token (masked fingerprint) and resource, as GitHub last reported it',
      type: 'gauge',
      labelNames: ['token', 'resource'],
      read: budgets('remaining'),
    },
    {
      name: 'insights_github_budget_limit',
      help: 'GitHub rate-limit budget per window per token (masked fingerprint) and resource',
      type: 'gauge',
      labelNames: ['token', 'resource'],
      read: budgets('limit'),
    },
    {
      name: 'insights_github_tokens',
      help: 'Configured GitHub tokens by state: valid, invalid (rejected by GitHub with 401)',
      type: 'gauge',
      labelNames: ['state'],
      read() {
        const tokens = pool.snapshot().tokens;
        const valid = tokens.filter((t) => t.valid).length;
        return [
          { labels: { state: 'valid' }, value: valid },
          { labels: { state: 'invalid' }, value: tokens.length - valid },
        ];
      },
    },
  ];
}
