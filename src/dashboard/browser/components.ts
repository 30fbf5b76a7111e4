/// <reference lib="dom" />
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Json } from './api.js';
import { isFailure, sentence, time, words } from './format.js';
import { executionHref } from './router.js';

export const Badge = ({ status }: { status: string }) => html`<span class="status ${status}">${words(status)}</span>`;

/** Events as sentences, newest first (at most `limit`). */
export function EventList({ events, withExecution = true, limit = Infinity }: { events: Json[]; withExecution?: boolean; limit?: number }) {
  if (!events.length) return html`<p class="empty">No event yet.</p>`;
  return html`<ol class="events">
    ${events.slice(-limit).reverse().map(
      (e) => html`<li key=${e.id} data-type=${e.type} class=${isFailure(e.type) ? 'bad' : ''}>
        <time>${time(e.timestamp)}</time>${' '}
        ${withExecution && e.executionId ? html`<a href=${executionHref(e.executionId)}>${sentence(e)}</a>` : html`<span>${sentence(e, withExecution)}</span>`}
      </li>`,
    )}
  </ol>`;
}

/**
 * An action a person takes: a first click asks for confirmation (and the details, e.g. a comment),
 * the second runs it; its error is shown beside it.
 */
export function Action(props: { label: string; name: string; run: (input: { comment: string }) => Promise<unknown>; comment?: string; danger?: boolean; children?: unknown }) {
  const [stage, setStage] = useState<'idle' | 'confirm' | 'busy'>('idle');
  const [comment, setComment] = useState('');
  const [error, setError] = useState('');
  if (stage === 'idle') {
    return html`<button class="action${props.danger ? ' danger' : ''}" data-action=${props.name} onClick=${() => setStage('confirm')}>${props.label}</button>`;
  }
  const confirm = () => {
    setStage('busy');
    setError('');
    props.run({ comment: comment.trim() }).then(
      () => setStage('idle'),
      (e: Error) => {
        setError(e.message);
        setStage('confirm');
      },
    );
  };
  return html`<span class="confirm" data-confirm=${props.name}>
    ${props.children}
    ${props.comment === undefined ? null : html`<input class="comment" placeholder=${props.comment} value=${comment} onInput=${(e: Event) => setComment((e.target as HTMLInputElement).value)} />`}
    <button class="yes${props.danger ? ' danger' : ''}" disabled=${stage === 'busy'} onClick=${confirm}>Confirm ${props.label.toLowerCase()}</button>
    <button class="no" onClick=${() => setStage('idle')}>Keep</button>
    ${error ? html`<span class="error">${error}</span>` : null}
  </span>`;
}

/** Relay pages: the cursors of the pages before this one are kept, so "Previous" needs no backward paging. */
export function usePages() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors.at(-1) ?? null;
  return {
    after,
    page: cursors.length,
    reset: () => setCursors([null]),
    pager: (pageInfo: Json | undefined) => html`<div class="pager">
      <button class="prev" disabled=${cursors.length === 1} onClick=${() => setCursors(cursors.slice(0, -1))}>‹ Previous</button>
      <span class="muted">page ${cursors.length}</span>
      <button class="next" disabled=${!pageInfo?.hasNextPage} onClick=${() => setCursors([...cursors, pageInfo!.endCursor])}>Next ›</button>
    </div>`,
  };
}

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

export interface ChartSeries {
  label: string;
  color: string;
  /** Values per x; null leaves a gap. */
  values: (number | null)[];
  bars?: boolean;
  format?: (value: number) => string;
  /** What the legend says at each x, when `values` are stacked sums. */
  shown?: (number | null)[];
}

/** Bars stacked bottom-up in the order given; each series' legend still shows its own count. */
export function stacked(series: { label: string; color: string; values: number[] }[]): ChartSeries[] {
  const sums = series.map((_, i) => series[0]!.values.map((_, x) => series.slice(i).reduce((sum, s) => sum + s.values[x]!, 0)));
  return series.map((s, i) => ({ ...s, values: sums[i]!, shown: s.values, bars: true }));
}

/** A time-series panel (uPlot): axes, a legend with the values under the cursor, resized with its box. */
export function Chart({ x, series, height = 180, yLabel }: { x: number[]; series: ChartSeries[]; height?: number; yLabel?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => `${s.label}${s.bars ? ':bars' : ''}`).join();
  useEffect(() => {
    const el = box.current!;
    const axis = { stroke: css('--muted'), grid: { stroke: css('--line'), width: 1 }, ticks: { stroke: css('--line') } };
    const bars = uPlot.paths.bars!({ size: [0.7, 40] });
    plot.current = new uPlot(
      {
        width: el.clientWidth || 300,
        height,
        cursor: { points: { size: 6 } },
        legend: { live: true },
        scales: { x: { time: true } },
        axes: [axis, { ...axis, label: yLabel, size: 56, values: (_u, ticks) => ticks.map((t) => series[0]?.format?.(t) ?? String(t)) }],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            fill: s.bars ? `${s.color}99` : undefined,
            width: s.bars ? 0 : 2,
            paths: s.bars ? bars : undefined,
            points: { show: false },
            spanGaps: false,
            value: (_u: uPlot, raw: number | null, _series: number, x: number | null) => {
              const v = s.shown && x !== null ? s.shown[x] : raw;
              return v === null || v === undefined ? '—' : (s.format?.(v) ?? String(Math.round(v * 10) / 10));
            },
          })),
        ],
      },
      [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape, height]);
  useEffect(() => plot.current?.setData([x, ...series.map((s) => s.values)] as uPlot.AlignedData), [x, series]);
  return html`<div class="chart" ref=${box}></div>`;
}
