import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Document, Spectral } from '@stoplight/spectral-core';
import parsers from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';

/** One linter finding, in one shape for both linters. */
export interface Finding {
  linter: 'spectral' | 'redocly';
  severity: 'error' | 'warn' | 'info' | 'hint';
  rule: string;
  where: string;
  message: string;
}

const SPECTRAL_SEVERITIES = ['error', 'warn', 'info', 'hint'] as const;

/** Spectral with its built-in `spectral:oas` ruleset (all of its recommended rules). */
export async function spectralFindings(document: unknown): Promise<Finding[]> {
  const spectral = new Spectral();
  spectral.setRuleset({ extends: [[oas as never, 'recommended']] });
  const source = JSON.stringify(document, null, 2);
  const results = await spectral.run(new Document(source, parsers.Json, 'openapi.json'));
  return results.map((result) => ({
    linter: 'spectral',
    severity: SPECTRAL_SEVERITIES[result.severity] ?? 'error',
    rule: String(result.code),
    where: result.path.join('.'),
    message: result.message,
  }));
}

/** Redocly's built-in `recommended` ruleset; the library, not the CLI, so nothing phones home. */
export async function redoclyFindings(document: unknown): Promise<Finding[]> {
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({
    source: JSON.stringify(document, null, 2),
    absoluteRef: 'openapi.json',
    config,
  });
  return problems.map((problem) => ({
    linter: 'redocly',
    severity: problem.severity,
    rule: problem.ruleId,
    where: problem.location[0]?.pointer ?? '',
    message: problem.message,
  }));
}
