import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
  Context,
} from 'aws-lambda';
import { logger } from '#platform/logger.js';
import { table } from '#platform/table.js';
import { isTransient } from '#platform/transient.js';
import { bearerToken, hashKey, looksLikeKey } from '#shared/identity/api-key.js';
import { resolveKey } from '#shared/identity/users.js';

type AuthorizerContext =
  | { userId: string; role: string; keyId: string }
  | { unavailable: 'true' }
  | Record<string, never>;

/**
 * Resolves the bearer key to a principal. It never denies: an unknown key passes with an empty
 * context and the handler answers 401 as problem+json (API Gateway's own deny is a bare 403).
 */
export async function authorize(
  event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> {
  const token = bearerToken(event.headers?.authorization);
  if (!token || !looksLikeKey(token)) return { isAuthorized: true, context: {} };
  let principal: Awaited<ReturnType<typeof resolveKey>>;
  try {
    principal = await resolveKey(table(), hashKey(token));
  } catch (error) {
    if (!isTransient(error)) throw error;
    // Past the SDK's own retries: let the handler answer 503 with Retry-After, not API Gateway a 500.
    logger.warn('key lookup failed', error as Error);
    return { isAuthorized: true, context: { unavailable: 'true' } };
  }
  if (!principal) logger.info('unknown or revoked API key', { prefix: token.slice(0, 17) });
  return { isAuthorized: true, context: principal ?? {} };
}

/** Its log lines carry its own function name and request id, like every other handler's. */
export const handler = (event: APIGatewayRequestAuthorizerEventV2, context: Context) => {
  logger.addContext(context);
  return authorize(event);
};
