import { byId, el, timeOf } from './dom';
import { statusBadge, worse } from './status';
import type { ComponentHistory, HealthChanged, HealthSample, Status, SystemHealth } from './types';

const MINUTES = 60;
const MINUTE_MS = 60_000;

/**
 * Health: each component's status now and a strip of the last hour (one cell a minute, the worst
 * status seen in it, carried forward from the last sample). Live changes append samples.
 */
export class HealthView {
  private health: SystemHealth | undefined;
  private instance = '';
  /** The latest event of each other api instance (their health is theirs, not this one's). */
  private readonly others = new Map<string, HealthChanged['systemHealthChanged']>();
  private readonly history = new Map<string, HealthSample[]>();
  private readonly root = byId('health-components');
  private readonly overall = byId('health-overall');

  /** A full read (sign-in, resync, fallback): the server's history replaces ours. */
  load(instance: string, health: SystemHealth, history: readonly ComponentHistory[]): void {
    this.instance = instance;
    this.health = health;
    this.history.clear();
    for (const entry of history) this.history.set(entry.component, [...entry.samples]);
    for (const component of health.components) {
      this.push(component.name, {
        at: health.checkedAt,
        status: component.status,
        detail: component.message,
      });
    }
    this.render();
  }

  /** A systemHealthChanged event; returns what to announce. */
  apply(event: HealthChanged['systemHealthChanged']): string[] {
    if (!this.health) return [];
    if (event.instance !== this.instance) {
      this.others.set(event.instance, event);
      this.render();
      return event.changes.map((c) => `Instance ${event.instance}: ${c.component} is ${c.to}`);
    }
    this.health.status = event.status;
    this.health.checkedAt = event.checkedAt;
    const said: string[] = [];
    for (const change of event.changes) {
      const component = this.health.components.find((c) => c.name === change.component);
      if (component) {
        component.status = change.to;
        component.message = change.message;
      } else {
        this.health.components.push({
          name: change.component,
          status: change.to,
          required: false,
          message: change.message,
          latencyMs: 0,
        });
      }
      this.push(change.component, { at: event.checkedAt, status: change.to, detail: change.message });
      said.push(`${change.component} is ${change.to}${change.message ? `: ${change.message}` : ''}`);
    }
    this.render();
    return said;
  }

  /** Whether any component is not OK (the page then re-reads health on an interval). */
  get anyNotOk(): boolean {
    return this.health?.components.some((c) => c.status === 'DOWN' || c.status === 'DEGRADED') ?? false;
  }

  private push(component: string, sample: HealthSample): void {
    const samples = this.history.get(component) ?? [];
    samples.push(sample);
    const since = Date.now() - MINUTES * MINUTE_MS * 2;
    this.history.set(
      component,
      samples.filter((s) => Date.parse(s.at) >= since),
    );
  }

  private render(): void {
    const health = this.health;
    if (!health) return;
    this.overall.replaceChildren(
      'Service ',
      statusBadge(health.status),
      el('span', { class: 'muted' }, [
        ' checked ',
        timeOf(health.checkedAt),
        ` · version ${health.version} · instance `,
        el('span', { class: 'mono', text: this.instance }),
      ]),
    );
    const others = [...this.others.values()];
    if (others.length === 0)
      byId('health-others').replaceChildren(
        el('li', { class: 'empty', text: 'None since the page opened.' }),
      );
    else
      byId('health-others').replaceChildren(
        ...others.map((e) =>
          el('li', {}, [
            el('span', { class: 'mono', text: e.instance }),
            ' ',
            statusBadge(e.status),
            ` ${e.changes.map((c) => `${c.component} ${c.to}`).join(', ')} at `,
            timeOf(e.checkedAt),
          ]),
        ),
      );
    const cards = health.components.map((component) => {
      const strip = this.strip(component.name);
      return el(
        'li',
        {
          class: `card component component-${component.status.toLowerCase()}`,
          attrs: { 'data-component': component.name, 'data-status': component.status },
        },
        [
          el('h3', { text: component.name }),
          el('p', {}, [
            statusBadge(component.status),
            el('span', { class: 'muted', text: component.required ? ' required' : ' optional' }),
          ]),
          el('p', { class: 'message', text: component.message ?? '' }),
          strip,
        ],
      );
    });
    this.root.replaceChildren(...cards);
  }

  /** 60 cells, oldest first; each names its minute and status for assistive technology. */
  private strip(component: string): HTMLElement {
    const samples = [...(this.history.get(component) ?? [])].sort(
      (a, b) => Date.parse(a.at) - Date.parse(b.at),
    );
    const now = Date.now();
    const start = now - MINUTES * MINUTE_MS;
    let index = 0;
    let carried: string | undefined;
    while (index < samples.length && Date.parse(samples[index]!.at) < start)
      carried = samples[index++]!.status;
    const cells: HTMLElement[] = [];
    let downMinutes = 0;
    for (let minute = 0; minute < MINUTES; minute++) {
      const end = start + (minute + 1) * MINUTE_MS;
      let status = carried;
      while (index < samples.length && Date.parse(samples[index]!.at) < end) {
        const next = samples[index++]!.status;
        status = status ? worse(status, next) : next;
        carried = next;
      }
      if (status === 'DOWN' || status === 'DEGRADED') downMinutes++;
      cells.push(el('span', { class: `cell cell-${(status ?? 'none').toLowerCase()}` }));
    }
    const summary =
      downMinutes === 0
        ? 'no trouble recorded in the last hour'
        : `not OK in ${downMinutes} of the last ${MINUTES} minutes`;
    return el('div', { class: 'strip-wrap' }, [
      el('div', { class: 'strip', attrs: { 'aria-hidden': 'true' } }, cells),
      el('p', { class: 'strip-caption', text: `Last hour: ${summary}` }),
    ]);
  }
}

export type { Status };
