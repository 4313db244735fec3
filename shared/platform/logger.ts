import { Logger } from '@aws-lambda-powertools/logger';

/** One structured JSON logger per container (Powertools reads POWERTOOLS_* settings). */
export const logger = new Logger({ serviceName: 'prsm' });
