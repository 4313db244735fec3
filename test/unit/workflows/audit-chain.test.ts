import { describe, expect, it } from 'vitest';
import { extendChain, genesisOf, verifyChain } from '#shared/workflows/audit-chain.js';
import { sha256Hex } from '#shared/workflows/workflow.js';

const entry = (phase: string, content: string, score = 100) => ({
  phase,
  sha256: sha256Hex(content),
  score,
  passed: score >= 70,
});

describe('Audit trail: a hash chain over the artifacts', () => {
  const genesis = genesisOf('wf_1', sha256Hex('prompt'));
  const started = extendChain({ genesis, entries: [] }, [entry('teacher', 'a'), entry('prompter', 'b')]);
  const full = extendChain(started, [entry('security', 'c', 60)]);
  const actual = { teacher: sha256Hex('a'), prompter: sha256Hex('b'), security: sha256Hex('c') };

  it('links each entry to the one before and ends at the head', () => {
    expect(full.entries.map((e) => e.phase)).toEqual(['teacher', 'prompter', 'security']);
    expect(full.entries[1]!.link).toBe(started.head);
    expect(full.head).toBe(full.entries[2]!.link);
    expect(full.passed).toBe(false);
    expect(verifyChain(full, actual)).toEqual({
      linksIntact: true,
      artifactsIntact: true,
      firstBrokenPhase: null,
    });
  });

  it('is the same chain whether built at once or in two steps', () => {
    const once = extendChain({ genesis, entries: [] }, [
      entry('teacher', 'a'),
      entry('prompter', 'b'),
      entry('security', 'c', 60),
    ]);
    expect(once.head).toBe(full.head);
  });

  it('detects a changed artifact, a changed score, a reordered chain and a wrong head', () => {
    expect(verifyChain(full, { ...actual, prompter: sha256Hex('B') })).toMatchObject({
      linksIntact: true,
      artifactsIntact: false,
      firstBrokenPhase: 'prompter',
    });
    const rescored = {
      ...full,
      entries: full.entries.map((e) => (e.phase === 'security' ? { ...e, score: 90, passed: true } : e)),
    };
    expect(verifyChain(rescored)).toMatchObject({ linksIntact: false, firstBrokenPhase: 'security' });
    const reordered = { ...full, entries: [full.entries[1]!, full.entries[0]!, full.entries[2]!] };
    expect(verifyChain(reordered).linksIntact).toBe(false);
    expect(verifyChain({ ...full, head: started.head }).linksIntact).toBe(false);
    expect(verifyChain({ ...full, genesis: genesisOf('wf_2', sha256Hex('prompt')) }).firstBrokenPhase).toBe(
      'teacher',
    );
  });
});
