import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Destination } from './destination.js';

export const DELIVERY_TIMEOUT_MS = 10_000;
/** Receivers' answers are read this far and no further (the log keeps the status, not the body). */
export const RESPONSE_BODY_LIMIT_BYTES = 4096;

export interface SendOutcome {
  /** The receiver's status, or null when none came (refused, timed out, unreachable). */
  responseCode: number | null;
  ok: boolean;
  latencyMs: number;
  error: string | null;
}

export type Send = (
  destination: Destination,
  headers: Record<string, string>,
  body: string,
) => Promise<SendOutcome>;

/**
 * One POST to the checked address (the host name stays in Host and SNI); 2xx is success,
 * anything else a failure: a 3xx is never followed.
 */
export const sendWebhook: Send = (destination, headers, body) => {
  const started = performance.now();
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: destination.address, family: destination.family },
      ]);
    } else callback(null, destination.address, destination.family);
  };
  const send = destination.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SendOutcome>((resolve) => {
    const done = (responseCode: number | null, error: string | null) =>
      resolve({
        responseCode,
        ok: responseCode !== null && responseCode >= 200 && responseCode < 300,
        latencyMs: Math.round(performance.now() - started),
        error,
      });
    const req = send(
      destination.url,
      {
        method: 'POST',
        lookup: pinned,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'PRSM-Webhooks/1',
        },
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > RESPONSE_BODY_LIMIT_BYTES) res.destroy();
        });
        res.on('close', () => done(res.statusCode ?? null, null));
        res.on('error', () => undefined);
      },
    );
    req.on('error', (error) => done(null, error.name === 'AbortError' ? 'timed out' : error.message));
    req.end(body);
  });
};
