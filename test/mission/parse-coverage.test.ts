import { describe, expect, it } from "vitest";
import { parseCoverage } from "../../src/mission/index.ts";

describe("coverage from a test command's output", () => {
  it.each([
    ["istanbul text summary", "Statements   : 90% ( 9/10 )\nLines        : 85.71% ( 6/7 )\n", 85.71, "lines"],
    ["istanbul table (vitest, jest, c8)", " % Coverage report from v8\n-----------|---------|----------|---------|---------|\nFile       | % Stmts | % Branch | % Funcs | % Lines |\nAll files  |   88.88 |       50 |     100 |   77.77 |\n a.js      |     100 |      100 |     100 |     100 |", 77.77, "lines"],
    ["coverage.py", "Name      Stmts   Miss  Cover\n---\napp.py       10      2    80%\nTOTAL        20      3    85%\n", 85, "statements"],
    ["coverage.py with branches", "TOTAL   120   18   30   4   83%", 83, "statements"],
    ["go tool cover", "github.com/a/b/x.go:3: F 100.0%\ntotal:\t\t\t(statements)\t72.5%", 72.5, "statements"],
    ["go test -cover, mean of packages", "ok  \ta/b\t0.1s\tcoverage: 80.0% of statements\nok  \ta/c\t0.1s\tcoverage: 60.0% of statements", 70, "statements"],
    ["tarpaulin", "|| Tested/Total Lines:\n85.23% coverage, 100/120 lines covered", 85.23, "lines"],
    ["simplecov", "Coverage report generated for RSpec to coverage. 100 / 120 LOC (83.33%) covered.", 83.33, "lines"],
  ])("%s", (_name, output, percent, measure) => {
    expect(parseCoverage(output)).toMatchObject({ percent, measure });
  });

  it("reads through colours", () => {
    expect(parseCoverage("\u001b[32mLines        : 91.5% ( 183/200 )\u001b[0m")?.percent).toBe(91.5);
  });

  it("is undefined when the command reports no coverage", () => {
    expect(parseCoverage("ok 1 - greeting\n# pass 2\nTests: 2 passed")).toBeUndefined();
  });
});
