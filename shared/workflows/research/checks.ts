import { SENSITIVE_PATTERNS } from '../executors/text.js';
import { normalise, passes, type SafetyPolicy, scoreText, visibleText } from '../safety.js';

/**
 * Static checks over what the models wrote: generated code is scanned, never run; every model
 * output is screened before the report is written.
 */
export interface CodeFinding {
  category: 'import' | 'network' | 'file_system' | 'process';
  match: string;
  line: number;
}

const CODE_RULES: { category: CodeFinding['category']; pattern: RegExp }[] = [
  { category: 'import', pattern: /^\s*(?:import\s+[\w.]+|from\s+[\w.]+\s+import\b)/ },
  { category: 'import', pattern: /\brequire\(\s*['"][^'"]+['"]\s*\)|^\s*import\s.+\sfrom\s+['"][^'"]+['"]/ },
  {
    category: 'network',
    pattern: /\b(?:socket|requests|urllib|httpx|aiohttp|http\.client|fetch\(|XMLHttpRequest|curl|wget)\b/,
  },
  {
    category: 'file_system',
    pattern: /\b(?:open\(|os\.remove|os\.unlink|shutil\.|pathlib|fs\.|writeFile|readFile|rmdir|unlink)/,
  },
  {
    category: 'process',
    pattern: /\b(?:subprocess|os\.system|os\.popen|exec\(|eval\(|child_process|spawn\(|fork\(|Popen)/,
  },
];

export function scanCode(code: string): CodeFinding[] {
  const findings: CodeFinding[] = [];
  code.split('\n').forEach((text, index) => {
    for (const rule of CODE_RULES) {
      const found = rule.pattern.exec(text);
      if (found)
        findings.push({ category: rule.category, match: found[0].trim().slice(0, 80), line: index + 1 });
    }
  });
  return findings;
}

/** Phrases of instructions aimed at a model, after NFKC and with zero-width characters removed. */
const INJECTION_PATTERNS: { name: string; pattern: RegExp }[] = [
  {
    name: 'ignore instructions',
    pattern:
      /\b(?:ignore|disregard|forget) (?:all |any )?(?:the )?(?:previous|prior|above|earlier) (?:instructions|prompts|rules)\b/,
  },
  { name: 'system prompt', pattern: /\b(?:reveal|print|show|repeat) (?:your |the )?system prompt\b/ },
  { name: 'role override', pattern: /\byou are now (?:in )?(?:developer|dan|jailbreak|unrestricted) mode\b/ },
  { name: 'tool hijack', pattern: /<\/?(?:system|assistant|tool)>/ },
];

export interface OutputFinding {
  source: string;
  kind: 'injection' | 'credential' | 'personal' | 'policy';
  name: string;
  blocking: boolean;
}

/** One model output's findings: injections, credentials and the phrase policy block; personal data is reported. */
export function screenOutput(source: string, text: string, policy: SafetyPolicy): OutputFinding[] {
  const plain = normalise(text);
  const findings: OutputFinding[] = [];
  for (const rule of INJECTION_PATTERNS) {
    if (rule.pattern.test(plain))
      findings.push({ source, kind: 'injection', name: rule.name, blocking: true });
  }
  const visible = visibleText(text);
  for (const rule of SENSITIVE_PATTERNS) {
    if (rule.pattern.test(visible)) {
      findings.push({ source, kind: rule.kind, name: rule.name, blocking: rule.kind === 'credential' });
    }
  }
  const { score } = scoreText(text, policy);
  if (!passes(score, policy)) {
    findings.push({ source, kind: 'policy', name: `safety score ${score / 100}`, blocking: true });
  }
  return findings;
}
