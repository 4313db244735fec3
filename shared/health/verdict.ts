import type { HealthReport } from './sweep.js';

export type PublicStatus = 'ok' | 'degraded' | 'down' | 'unknown';

export interface Verdict {
  status: PublicStatus;
  score: number | null;
  checkedAt: string | null;
  /** Whether the platform should be considered unavailable (HTTP 503). */
  unavailable: boolean;
}

/** The public verdict: unknown before any sweep; down when the last sweep says so or is stale. */
export function verdictOf(report: HealthReport | undefined, now: Date, intervalSeconds: number): Verdict {
  if (!report) return { status: 'unknown', score: null, checkedAt: null, unavailable: false };
  const ageSeconds = (now.getTime() - Date.parse(report.checkedAt)) / 1000;
  const stale = ageSeconds > 3 * intervalSeconds;
  const status = stale ? 'down' : report.status;
  return { status, score: report.score, checkedAt: report.checkedAt, unavailable: status === 'down' };
}
