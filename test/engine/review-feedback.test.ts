import { describe, expect, it } from "vitest";
import { commentLocation, reviewFeedback } from "../../src/engine/review-feedback.ts";

describe("a review's feedback for the repair planner", () => {
  it("says where each inline comment is: file and line, or the whole file", () => {
    expect(commentLocation({ path: "src/a.ts", line: 12 })).toBe("`src/a.ts` line 12");
    expect(commentLocation({ path: "odd`name.ts", line: null })).toBe("`odd'name.ts` (the whole file)");
    expect(reviewFeedback("Two things.", [{ id: 1, path: "src/a.ts", line: 3, body: "Rename.\nAnd test it." }, { id: 2, path: "b.md", body: "  " }])).toBe(
      "Two things.\nInline comments:\n- `src/a.ts` line 3: Rename.\n  And test it.",
    );
    expect(reviewFeedback("", [])).toBe("");
  });

  it("is bounded, and says what it left out", () => {
    const comments = Array.from({ length: 60 }, (_, index) => ({ id: index, path: `f${index}.ts`, line: index + 1, body: "x".repeat(5_000) }));
    const text = reviewFeedback("y".repeat(20_000), comments);
    expect(text.length).toBeLessThan(9_000);
    expect(text).toContain("- `f0.ts` line 1: ");
    expect(text).toMatch(/\(\d+ more inline comments not shown\)$/);
  });
});
