import type { Synthesis } from './schemas.js';

/** The artifacts a report section may cite: the model phases that wrote one before the report. */
export const CITABLE_ARTIFACTS = ['teacher', 'prompter', 'codegen', 'student', 'multi_agent'] as const;

export type CheckedSection = Synthesis['sections'][number] & {
  /** Names the model gave that are no artifact of this workflow: dropped from `supportedBy`. */
  unknownSupport: string[];
};

/**
 * A section's "supported by" comes from the model; only names of the workflow's artifacts are
 * kept (case and spacing forgiven, each once). The rest is kept apart so the report can say so.
 */
export function checkSupport(sections: Synthesis['sections'], citable: readonly string[]): CheckedSection[] {
  const known = new Map(citable.map((name) => [normalise(name), name]));
  return sections.map((section) => {
    const supportedBy: string[] = [];
    const unknownSupport: string[] = [];
    for (const named of section.supportedBy) {
      const artifact = known.get(normalise(named));
      const into = artifact ? supportedBy : unknownSupport;
      const value = artifact ?? named.trim();
      if (!into.includes(value)) into.push(value);
    }
    return { ...section, supportedBy, unknownSupport };
  });
}

const normalise = (name: string) =>
  name
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
