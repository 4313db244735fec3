import { barWidth, formatFtns } from '../money.js';

export function Ftns({ value }: { value: string | null | undefined }) {
  if (value === null || value === undefined) return <span class="muted">—</span>;
  return <span class="ftns">{formatFtns(value)}&nbsp;FTNS</span>;
}

export const when = (iso: string | null | undefined) =>
  iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) : '—';

/**
 * A utilisation bar: the API's percentage (a string) as its width, with marks at the alert
 * thresholds; a native meter, visually hidden, for assistive technology.
 */
export function Meter({
  label,
  percent,
  marks = [],
}: {
  label: string;
  percent: string | null;
  marks?: { at: number; label: string }[];
}) {
  const width = barWidth(percent);
  const level = width === '100%' ? 'over' : '';
  return (
    <div class="meter-row">
      <meter
        class="sr-only"
        aria-label={label}
        min={0}
        max={100}
        value={percent === null ? 0 : Number(percent)}
      >
        {percent === null ? 'no allocation' : `${percent}%`}
      </meter>
      <div class={`meter ${level}`} aria-hidden="true">
        <div class="meter-fill" style={{ width }} />
        {marks.map((mark) => (
          <span key={mark.at} class="meter-mark" style={{ left: `${mark.at}%` }} title={mark.label} />
        ))}
      </div>
      <span class="meter-text">{percent === null ? '—' : `${percent}%`}</span>
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{status.replace(/_/g, ' ')}</span>;
}
