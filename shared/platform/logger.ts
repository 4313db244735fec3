import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { currentCorrelation } from './correlation.js';

/**
 * Powertools' own format (its PowertoolsLogFormatter, which it does not export), with the
 * current correlation scope's keys on every line (correlation.ts).
 */
class CorrelatedFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: context?.coldStart,
        function_arn: context?.invokedFunctionArn,
        function_memory_size: context?.memoryLimitInMB,
        function_name: context?.functionName,
        function_request_id: context?.awsRequestId,
        sampling_rate: attributes.sampleRateValue,
        xray_trace_id: attributes.xRayTraceId,
        tenant_id: context?.tenantId,
      },
    }).addAttributes({ ...currentCorrelation(), ...additional });
  }
}

/** One structured JSON logger per container (Powertools reads POWERTOOLS_* settings). */
export const logger = new Logger({ serviceName: 'prsm', logFormatter: new CorrelatedFormatter() });
