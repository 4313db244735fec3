import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '#platform/logger.js';
import { resolveExpiredHolds } from '#shared/ledger/holds.js';
import { ledgerDeps } from '#shared/ledger/ledger.js';

/** Resolves lapsed holds for good (reads already ignore them); safe to run twice. */
export async function expireHolds() {
  const expired = await resolveExpiredHolds(ledgerDeps());
  if (expired > 0) logger.info('expired holds resolved', { expired });
  return { expired };
}

export const handler = middy(expireHolds).use(injectLambdaContext(logger, { resetKeys: true }));
