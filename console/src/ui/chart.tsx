import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * A time series drawn by uPlot on a canvas. `ys` are plot coordinates only: every figure the
 * chart shows comes from `yTicks` (exact labels chosen by the caller) or the table beside it.
 * `data-points` on the figure says how many points uPlot was given and drew.
 */
export interface ChartProps {
  label: string;
  /** Seconds since the epoch, ascending. */
  xs: number[];
  ys: number[];
  bars?: boolean;
  /** Exact tick labels at plot coordinates; uPlot's own ticks otherwise (scores, counts). */
  yTicks?: { at: number; label: string }[];
  yRange?: [number, number];
  /** The room before the first point and after the last, in seconds. */
  xPadSeconds?: number;
}

const HEIGHT = 220;

export function TimeChart({ label, xs, ys, bars, yTicks, yRange, xPadSeconds = 1800 }: ChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const widthOf = () => Math.max(260, element.clientWidth);
    const accent = getComputedStyle(element).getPropertyValue('--accent').trim() || '#1d4ed8';
    const options: uPlot.Options = {
      width: widthOf(),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        // Room either side, so the first and last bars are drawn whole and a lone point has a span.
        x: { time: true, range: () => [(xs[0] ?? 0) - xPadSeconds, (xs.at(-1) ?? 0) + xPadSeconds] },
        y: yRange ? { range: () => yRange } : { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        { stroke: '#374151', grid: { stroke: '#e5e7eb' } },
        yTicks
          ? {
              stroke: '#374151',
              grid: { stroke: '#e5e7eb' },
              size: 80,
              splits: () => yTicks.map((tick) => tick.at),
              values: () => yTicks.map((tick) => tick.label),
            }
          : { stroke: '#374151', grid: { stroke: '#e5e7eb' } },
      ],
      series: [
        {},
        {
          label,
          stroke: accent,
          width: 2,
          fill: bars ? `${accent}99` : undefined,
          paths: bars ? uPlot.paths.bars?.({ size: [0.6, 48] }) : undefined,
          points: { show: true, size: 7, fill: accent },
        },
      ],
    };
    const plot = new uPlot(options, [xs, ys], element);
    element.dataset.points = String(plot.data[0]?.length ?? 0);
    const observer = new ResizeObserver(() => plot.setSize({ width: widthOf(), height: HEIGHT }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [label, xs, ys, bars, yTicks, yRange, xPadSeconds]);
  return <div class="chart" ref={ref} role="img" aria-label={label} data-chart={label} />;
}
