import { describe, expect, it } from 'vitest';
import { handler } from '#functions/platform/api.js';
import { lambdaContext } from '#infra/local/lambda-context.js';
import { httpEvent } from '../support/http-event.js';
import { type Finding, redoclyFindings, spectralFindings } from '../support/openapi-lint.js';

/** The document exactly as GET /v1/openapi.json serves it. */
async function servedDocument(): Promise<unknown> {
  const response = await handler(httpEvent('GET /v1/openapi.json'), lambdaContext('platform-api', 256, 10));
  expect(response.statusCode).toBe(200);
  return JSON.parse(response.body ?? '');
}

const report = (findings: Finding[]) =>
  findings.map((f) => `${f.linter} ${f.severity} ${f.rule} at ${f.where}: ${f.message}`).join('\n');

describe('The OpenAPI document', () => {
  it('has no finding of Spectral (spectral:oas) nor of Redocly (recommended)', async () => {
    const document = await servedDocument();
    const findings = [...(await spectralFindings(document)), ...(await redoclyFindings(document))];
    expect(report(findings)).toBe('');
  }, 120_000);

  it('names every operation and lists its refusals', async () => {
    const document = (await servedDocument()) as {
      paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>;
    };
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    expect(operations.length).toBeGreaterThan(50);
    for (const operation of operations) {
      expect(operation.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(Object.keys(operation.responses)).toContain('429');
    }
    const transfer = document.paths['/v1/transfers']?.post;
    expect(Object.keys(transfer?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '400', '401', '402', '413', '415', '422', '429', '503']),
    );
  });
});
