/**
 * What every benchmark module returns: one table of results. The runner prints it as markdown
 * and writes it, with the same figures, to .build/bench.json.
 */
export interface Section {
  title: string;
  columns: string[];
  /** One value per column; numbers are already rounded to what is worth printing. */
  rows: (string | number)[][];
  /** Lines printed under the table: method, caveats, what dominates. */
  notes?: string[];
}

/** A benchmark module: add one by exporting this from a file in test/bench/ and listing it in run.ts. */
export interface Benchmark {
  name: string;
  run(): Promise<Section>;
}
