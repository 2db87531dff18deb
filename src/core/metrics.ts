/**
 * The metrics contract (docs/operations.md). A module contributes figures it owns as
 * `ObservedMetric`s in its `metrics` part; the app registers them on its one registry (built in the
 * composition root, never a global) and reads them at each scrape of `GET /metrics`. Modules need
 * not know prom-client.
 *
 * Names the other features fill in (each from its own module):
 * - notifications: `insights_email_messages_total{outcome="sent"|"failed"|"bounced"}` (counter);
 * - harvest: `insights_github_budget_remaining{token,resource}`, `insights_github_budget_limit{token,resource}`,
 *   `insights_github_tokens{state="valid"|"invalid"}` (tokens named by their masked fingerprint only).
 */
export type { MetricSample, ObservedMetric } from '../platform/metrics/observed-metric';
