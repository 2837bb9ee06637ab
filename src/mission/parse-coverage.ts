/** What a test command said of its coverage: a percentage of a measure (lines, statements). */
export interface Coverage {
  percent: number;
  measure: "lines" | "statements";
  /** The summary line it was read from, as the command printed it (trimmed). */
  line: string;
}

// The summary lines of common coverage tools, most specific first. Each captures the percentage.
const PATTERNS: Array<{ pattern: RegExp; measure: Coverage["measure"] }> = [
  // Istanbul text-summary (nyc, c8, jest, vitest): "Lines        : 85.71% ( 6/7 )"
  { pattern: /^\s*Lines\s*:\s*(\d+(?:\.\d+)?)%/, measure: "lines" },
  // Istanbul text table (nyc, c8, jest, vitest): "All files |   85.71 |   50 |  100 |   85.71 |" — % Lines is the fourth column.
  { pattern: /^\s*All files\s*\|\s*[\d.]+\s*\|\s*[\d.]+\s*\|\s*[\d.]+\s*\|\s*(\d+(?:\.\d+)?)\s*\|/, measure: "lines" },
  // coverage.py / pytest-cov: "TOTAL   120   18   85%" (with branches: "TOTAL 120 18 30 4 83%")
  { pattern: /^\s*TOTAL(?:\s+\d+)+\s+(\d+(?:\.\d+)?)%\s*$/, measure: "statements" },
  // go tool cover -func: "total:   (statements)   85.2%"
  { pattern: /^\s*total:\s+\(statements\)\s+(\d+(?:\.\d+)?)%/, measure: "statements" },
  // cargo tarpaulin: "85.23% coverage, 100/120 lines covered"
  { pattern: /^\s*(\d+(?:\.\d+)?)% coverage, \d+\/\d+ lines covered/, measure: "lines" },
  // SimpleCov: "Line Coverage: 85.0% (100 / 120)" or "… 100 / 120 LOC (83.33%) covered."
  { pattern: /^\s*Line Coverage:\s*(\d+(?:\.\d+)?)%/, measure: "lines" },
  { pattern: /\d+ \/ \d+ LOC \((\d+(?:\.\d+)?)%\) covered/, measure: "lines" },
];

// go test -cover: one line per package; their mean when no total is printed.
const GO_PACKAGE = /coverage: (\d+(?:\.\d+)?)% of statements/;

/**
 * The coverage a test command's output reports, when it prints a summary line of a common tool; the
 * last such line wins (a run that prints per-file lines ends with the total). Undefined otherwise.
 */
export function parseCoverage(output: string): Coverage | undefined {
  // Colours and carriage returns are not part of the figures.
  // eslint-disable-next-line no-control-regex
  const lines = output.replace(/\u001b\[[0-9;]*m/g, "").split(/\r?\n/);
  for (const line of [...lines].reverse()) {
    for (const { pattern, measure } of PATTERNS) {
      const match = pattern.exec(line);
      if (match) return { percent: Number(match[1]), measure, line: line.trim().slice(0, 200) };
    }
  }
  const packages = lines.map((line) => GO_PACKAGE.exec(line)).filter((match) => match !== null);
  if (packages.length > 0) {
    const mean = packages.reduce((sum, match) => sum + Number(match[1]), 0) / packages.length;
    return { percent: Math.round(mean * 10) / 10, measure: "statements", line: packages.at(-1)![0] };
  }
  return undefined;
}
