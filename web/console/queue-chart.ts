import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { el } from './dom';

/** Series drawn for each queue; each has its own dash so the lines differ without colour. */
const SERIES = [
  { key: 'waiting', stroke: '#1d4ed8', dash: [] as number[] },
  { key: 'active', stroke: '#047857', dash: [6, 3] },
  { key: 'delayed', stroke: '#92400e', dash: [2, 3] },
  { key: 'failed', stroke: '#b91c1c', dash: [10, 3, 2, 3] },
] as const;

export type QueueSeriesKey = (typeof SERIES)[number]['key'];

const HEIGHT = 120;
/** Samples kept per queue: an hour at the refresh interval of 15 s. */
const KEPT = 240;

/**
 * A small line chart of one queue's figures since the page opened (the API keeps no queue
 * history; the page samples on each refresh). The table beside it carries the same figures as
 * text, so the chart is hidden from assistive technology.
 */
export class QueueChart {
  readonly element: HTMLElement;
  private readonly times: number[] = [];
  private readonly values: number[][] = SERIES.map(() => []);
  private plot: uPlot | undefined;
  private readonly host: HTMLElement;
  private readonly resize = new ResizeObserver(() => this.fit());

  constructor(readonly queue: string) {
    this.host = el('div', { class: 'chart', attrs: { 'aria-hidden': 'true' } });
    this.element = el('figure', { class: 'queue-chart' }, [
      el('figcaption', {
        text: `${queue}: waiting (solid), active (dashed), delayed (dotted), failed (dash-dot)`,
      }),
      this.host,
    ]);
  }

  add(at: number, figures: Readonly<Record<QueueSeriesKey, number>>): void {
    this.times.push(at / 1_000);
    SERIES.forEach((series, i) => this.values[i]!.push(figures[series.key]));
    if (this.times.length > KEPT) {
      this.times.shift();
      for (const v of this.values) v.shift();
    }
    if (!this.plot && this.host.isConnected) this.create();
    this.draw();
  }

  /** New data, y scaled to it; x spans at least five minutes, so the first samples are not spread over years. */
  private draw(): void {
    if (!this.plot) return;
    this.plot.setData([this.times, ...this.values]);
    const last = this.times.at(-1)!;
    this.plot.setScale('x', { min: Math.min(this.times[0]!, last - 300), max: last });
  }

  private width(): number {
    return Math.max(200, Math.floor(this.host.clientWidth || 300));
  }

  private create(): void {
    this.plot = new uPlot(
      {
        width: this.width(),
        height: HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        scales: {
          x: { time: true },
          y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        },
        axes: [
          { stroke: '#374151', grid: { stroke: '#e5e7eb' }, size: 28 },
          { stroke: '#374151', grid: { stroke: '#e5e7eb' }, size: 36 },
        ],
        series: [{}, ...SERIES.map((s) => ({ label: s.key, stroke: s.stroke, width: 2, dash: [...s.dash] }))],
      },
      [this.times, ...this.values],
      this.host,
    );
    this.draw();
    this.resize.observe(this.host);
  }

  private fit(): void {
    if (this.plot && Math.abs(this.plot.width - this.width()) > 2) {
      this.plot.setSize({ width: this.width(), height: HEIGHT });
    }
  }

  /** Draws once attached (uPlot measures its host). */
  attached(): void {
    if (!this.plot && this.times.length > 0) this.create();
  }
}
