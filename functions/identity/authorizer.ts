import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
  Context,
} from 'aws-lambda';
import { type Clock, systemClock } from '#platform/clock.js';
import { logger } from '#platform/logger.js';
import { table } from '#platform/table.js';
import { isTransient } from '#platform/transient.js';
import { bearerToken, hashKey, looksLikeKey } from '#shared/identity/api-key.js';
import { admitKey, type KeyLimits, type KeyVerdict } from '#shared/identity/key-bucket.js';
import { resolveKey } from '#shared/identity/users.js';

type AuthorizerContext =
  | { userId: string; role: string; keyId: string }
  | { unavailable: 'true' }
  | { throttled: 'true' }
  | Record<string, never>;

/**
 * The manifest's per-key limits (`keyThrottling`), set by the stack and the local runtime (which
 * may turn them `off` for load tests): an environment variable, so the bundle leaves the manifest out.
 */
function limitsFromEnvironment(): KeyLimits | 'off' {
  const text = process.env.API_KEY_THROTTLING;
  if (!text) throw new Error('API_KEY_THROTTLING is not set');
  return text === 'off' ? 'off' : (JSON.parse(text) as KeyLimits);
}

async function verdictOf(hash: string, limits: KeyLimits | 'off', clock: Clock): Promise<KeyVerdict> {
  if (limits !== 'off') return admitKey(table(), hash, limits, clock);
  const principal = await resolveKey(table(), hash);
  return principal ? { kind: 'admitted', principal } : { kind: 'unknown' };
}

/**
 * Resolves the bearer key to a principal and takes one of its tokens. It never denies: an
 * unknown key passes with an empty context and the handler answers 401 as problem+json (API
 * Gateway's own deny is a bare 403); a throttled one passes flagged, and the handler answers
 * the gateway's own 429 (an authorizer cannot).
 */
export async function authorize(
  event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>,
  limits: KeyLimits | 'off',
  clock: Clock = systemClock,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> {
  const token = bearerToken(event.headers?.authorization);
  if (!token || !looksLikeKey(token)) return { isAuthorized: true, context: {} };
  let verdict: KeyVerdict;
  try {
    verdict = await verdictOf(hashKey(token), limits, clock);
  } catch (error) {
    if (!isTransient(error)) throw error;
    // Past the SDK's own retries: let the handler answer 503 with Retry-After, not API Gateway a 500.
    logger.warn('key lookup failed', error as Error);
    return { isAuthorized: true, context: { unavailable: 'true' } };
  }
  if (verdict.kind === 'throttled') return { isAuthorized: true, context: { throttled: 'true' } };
  if (verdict.kind === 'unknown') {
    logger.info('unknown or revoked API key', { prefix: token.slice(0, 17) });
    return { isAuthorized: true, context: {} };
  }
  return { isAuthorized: true, context: verdict.principal };
}

/** The handler on a given clock (the local runtime's tests hold time still). */
export function authorizerHandler(clock: Clock = systemClock) {
  let limits: KeyLimits | 'off' | undefined;
  // Its log lines carry its own function name and request id, like every other handler's.
  return (event: APIGatewayRequestAuthorizerEventV2, context: Context) => {
    logger.addContext(context);
    limits ??= limitsFromEnvironment();
    return authorize(event, limits, clock);
  };
}

export const handler = authorizerHandler();
