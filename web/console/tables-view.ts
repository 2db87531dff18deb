import { byId, durationText, el, numberText, table, timeOf } from './dom';
import { QueueChart } from './queue-chart';
import { statusBadge } from './status';
import type { ErrorCount, QueueFigures, RankingRun, TokenBudget } from './types';

/** Queue figures: a table of the latest read and a small chart per queue since the page opened. */
export class QueuesView {
  private readonly charts = new Map<string, QueueChart>();
  private readonly tableHost = byId('queues-table');
  private readonly chartHost = byId('queues-charts');

  show(queues: readonly QueueFigures[], at = Date.now()): void {
    this.tableHost.replaceChildren(
      table(
        'Queue figures',
        ['Queue', 'Waiting', 'Active', 'Delayed', 'Failed', 'Completed', 'Workers', 'State'],
        queues.map((q) => [
          el('span', { class: 'mono', text: q.name }),
          numberText(q.waiting),
          numberText(q.active),
          numberText(q.delayed),
          numberText(q.failed),
          numberText(q.completed),
          numberText(q.workers),
          statusBadge(q.paused ? 'PAUSED' : 'RUNNING'),
        ]),
        'No queues reported.',
      ),
    );
    for (const q of queues) {
      let chart = this.charts.get(q.name);
      if (!chart) {
        chart = new QueueChart(q.name);
        this.charts.set(q.name, chart);
        this.chartHost.append(chart.element);
      }
      chart.add(at, q);
      chart.attached();
    }
  }
}

export function showTokens(tokens: readonly TokenBudget[]): void {
  byId('tokens-table').replaceChildren(
    table(
      'GitHub token budgets',
      ['Token', 'Valid', 'REST left', 'REST resets', 'GraphQL left', 'GraphQL resets', 'Resting until'],
      tokens.map((t) => [
        el('span', { class: 'mono', text: t.token }),
        statusBadge(t.valid ? 'OK' : 'REJECTED'),
        budget(t.remaining, t.limit, 'REST requests'),
        timeOf(t.resetAt),
        budget(t.graphqlRemaining, t.graphqlLimit, 'GraphQL points'),
        timeOf(t.graphqlResetAt),
        timeOf(t.restingUntil),
      ]),
      'No GitHub tokens configured.',
    ),
  );
}

/** "4,200 of 5,000" with a meter (its value is in the text too). */
function budget(remaining: number | null, limit: number | null, what: string): HTMLElement {
  if (remaining === null || limit === null || limit === 0) return el('span', { text: '—' });
  const meter = el('meter', {
    attrs: {
      min: '0',
      max: String(limit),
      low: String(limit * 0.1),
      high: String(limit * 0.5),
      optimum: String(limit),
      value: String(remaining),
      'aria-label': `${remaining} of ${limit} ${what} left`,
    },
  });
  return el('span', { class: 'budget' }, [meter, ` ${numberText(remaining)} of ${numberText(limit)}`]);
}

export function showErrors(errors: readonly ErrorCount[]): void {
  byId('errors-table').replaceChildren(
    table(
      'Errors in the last hour by code',
      ['Code', 'Count', 'Last seen'],
      [...errors]
        .sort((a, b) => b.count - a.count)
        .map((e) => [el('span', { class: 'mono', text: e.code }), numberText(e.count), timeOf(e.lastSeenAt)]),
      'No errors in the last hour.',
    ),
  );
}

/** The last ranking runs, newest first; live runs (rankingsUpdated) are merged by id. */
export class RunsView {
  private runs: RankingRun[] = [];

  load(runs: readonly RankingRun[]): void {
    this.runs = [...runs];
    this.render();
  }

  apply(run: RankingRun): string {
    this.runs = [run, ...this.runs.filter((r) => r.id !== run.id)].sort((a, b) => b.id - a.id).slice(0, 10);
    this.render();
    return `Ranking run ${run.id} ${run.status.toLowerCase()}: ${run.rankedUsers} developers ranked`;
  }

  private render(): void {
    byId('runs-table').replaceChildren(
      table(
        'Last ranking runs',
        ['Run', 'Status', 'Trigger', 'Started', 'Duration', 'Developers ranked', 'Countries'],
        this.runs.map((r) => [
          `#${r.id}`,
          statusBadge(r.status),
          r.trigger.toLowerCase(),
          timeOf(r.startedAt),
          durationText(r.durationMs),
          numberText(r.rankedUsers),
          numberText(r.countries),
        ]),
        'No ranking runs yet.',
      ),
    );
  }
}
