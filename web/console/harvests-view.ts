import { byId, el, numberText, progressBar, timeOf } from './dom';
import { statusBadge } from './status';
import type { CountryHarvest, Harvest, HarvestActivity } from './types';

/** Finished harvests stay listed (newest first) this many, so a result is seen before it goes. */
const FINISHED_KEPT = 5;
const ACTIVE = new Set(['QUEUED', 'RUNNING', 'DELAYED', 'UNKNOWN']);
/** Cards drawn for unfinished harvests (running first); a country harvest can queue thousands. */
const ACTIVE_SHOWN = 20;

/** Running developer harvests, with progress from harvestActivity. */
export class HarvestsView {
  private readonly harvests = new Map<string, Harvest>();
  private drawing = false;

  load(harvests: readonly Harvest[]): void {
    const finished = [...this.harvests.values()].filter((h) => !ACTIVE.has(h.status));
    this.harvests.clear();
    for (const h of [...finished, ...harvests]) this.harvests.set(h.id, h);
    this.render();
  }

  /** Returns what to announce (a harvest starting or finishing; not every percent). */
  apply(event: HarvestActivity['harvestActivity']): string | undefined {
    const harvest = event.harvest;
    if (!harvest) return undefined;
    const before = this.harvests.get(harvest.id);
    this.harvests.set(harvest.id, harvest);
    this.scheduleRender();
    // Announced: harvests someone asked for, and failures; not the many of a country harvest.
    if (harvest.trigger !== 'MANUAL' && harvest.status !== 'FAILED') return undefined;
    if (event.finished)
      return `Harvest of ${harvest.login} ${harvest.status.toLowerCase().replace('_', ' ')}`;
    if (!before) return `Harvest of ${harvest.login} ${harvest.status.toLowerCase()}`;
    return undefined;
  }

  /** Many events a second redraw once a frame. */
  private scheduleRender(): void {
    if (this.drawing) return;
    this.drawing = true;
    requestAnimationFrame(() => {
      this.drawing = false;
      this.render();
    });
  }

  private render(): void {
    const all = [...this.harvests.values()];
    const unfinished = all
      .filter((h) => ACTIVE.has(h.status))
      .sort((a, b) => Number(b.status === 'RUNNING') - Number(a.status === 'RUNNING'));
    const active = unfinished.slice(0, ACTIVE_SHOWN);
    const finished = all
      .filter((h) => !ACTIVE.has(h.status))
      .sort((a, b) => Date.parse(b.finishedAt ?? b.enqueuedAt) - Date.parse(a.finishedAt ?? a.enqueuedAt))
      .slice(0, FINISHED_KEPT);
    // Finished ones beyond the few shown are forgotten; unfinished ones are kept (counted).
    const kept = new Set(finished);
    for (const h of all) if (!ACTIVE.has(h.status) && !kept.has(h)) this.harvests.delete(h.id);
    const items = [...active, ...finished].map((h) =>
      el('li', { class: 'card harvest', attrs: { 'data-login': h.login } }, [
        el('h4', { class: 'mono', text: h.login }),
        el('p', {}, [
          statusBadge(h.status),
          el('span', { class: 'muted', text: ` ${h.trigger.toLowerCase()}` }),
        ]),
        progressBar(`Harvest of ${h.login}`, h.progress),
        el('p', { class: 'muted' }, [
          h.stage ? `stage: ${h.stage} · ` : '',
          'asked ',
          timeOf(h.enqueuedAt),
          h.error ? ` · ${h.error}` : '',
        ]),
      ]),
    );
    if (unfinished.length > active.length)
      items.push(el('li', { class: 'empty', text: `and ${unfinished.length - active.length} more waiting` }));
    byId('harvests-list').replaceChildren(
      ...(items.length > 0 ? items : [el('li', { class: 'empty', text: 'No harvests running.' })]),
    );
  }
}

/** Country harvests: searches have no known total, so progress is an indeterminate bar and counts. */
export class CountryHarvestsView {
  private readonly harvests = new Map<string, CountryHarvest>();

  load(harvests: readonly CountryHarvest[]): void {
    this.harvests.clear();
    for (const h of harvests) this.harvests.set(h.id, h);
    this.render();
  }

  apply(harvest: CountryHarvest): string | undefined {
    const before = this.harvests.get(harvest.id);
    this.harvests.set(harvest.id, harvest);
    this.render();
    if (!before || before.state !== harvest.state)
      return `Country harvest of ${harvest.country.name} ${harvest.state.toLowerCase()}`;
    return undefined;
  }

  private render(): void {
    const items = [...this.harvests.values()]
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
      .slice(0, 10)
      .map((h) => {
        const p = h.progress;
        const done = !ACTIVE.has(h.state);
        return el('li', { class: 'card harvest' }, [
          el('h4', { text: `${h.country.name} (${h.country.code})` }),
          el('p', {}, [statusBadge(h.state)]),
          progressBar(`Country harvest of ${h.country.name}`, done ? 100 : null),
          el('p', {
            class: 'muted',
            text:
              `${numberText(p.queriesDone)} queries done, ${numberText(p.searches)} searches, ` +
              `${numberText(p.usersFound)} developers found, ${numberText(p.harvestsRequested)} harvests asked` +
              (h.error ? ` · ${h.error}` : ''),
          }),
        ]);
      });
    byId('country-harvests-list').replaceChildren(
      ...(items.length > 0 ? items : [el('li', { class: 'empty', text: 'No country harvests.' })]),
    );
  }
}
