import { describe, expect, it } from "vitest";
import { ANNOTATIONS_PER_REQUEST, CHECK_OUTPUT_LIMIT, clip, toCheckRunRequests } from "../../src/github/check-run-requests.ts";
import type { Annotation, CheckRunInput } from "../../src/github/github-port.ts";

function input(extra: Partial<CheckRunInput> = {}): CheckRunInput {
  return { name: "Missions / validation", headSha: "a".repeat(40), status: "in_progress", title: "Milestone M1", summary: "Running", ...extra };
}

function annotations(count: number): Annotation[] {
  return Array.from({ length: count }, (_, index) => ({ path: `src/file${index}.ts`, startLine: index + 1, endLine: index + 2, level: "warning", message: `problem ${index}` }));
}

describe("toCheckRunRequests", () => {
  it("turns a plain check run into one request in GitHub's shape", () => {
    const requests = toCheckRunRequests(input({ externalId: "mission-1", detailsUrl: "https://example.com/m/1", text: "details" }));
    expect(requests).toEqual([
      {
        name: "Missions / validation",
        status: "in_progress",
        external_id: "mission-1",
        details_url: "https://example.com/m/1",
        output: { title: "Milestone M1", summary: "Running", text: "details" },
      },
    ]);
  });

  it("splits 120 annotations into 3 requests of at most 50, in order, none lost", () => {
    const requests = toCheckRunRequests(input({ annotations: annotations(120) }));
    expect(ANNOTATIONS_PER_REQUEST).toBe(50);
    expect(requests).toHaveLength(3);
    expect(requests.map((request) => request.output.annotations?.length)).toEqual([50, 50, 20]);
    const all = requests.flatMap((request) => request.output.annotations ?? []);
    expect(all.map((annotation) => annotation.message)).toEqual(Array.from({ length: 120 }, (_, index) => `problem ${index}`));
    expect(all[7]).toEqual({ path: "src/file7.ts", start_line: 8, end_line: 9, annotation_level: "warning", message: "problem 7" });
    // Every request carries the same name, status and output text.
    for (const request of requests) {
      expect(request).toMatchObject({ name: "Missions / validation", status: "in_progress", output: { title: "Milestone M1", summary: "Running" } });
    }
  });

  it("sends exactly 50 annotations in one request and 51 in two", () => {
    expect(toCheckRunRequests(input({ annotations: annotations(50) }))).toHaveLength(1);
    expect(toCheckRunRequests(input({ annotations: annotations(51) })).map((request) => request.output.annotations?.length)).toEqual([50, 1]);
  });

  it("sends no annotations key when there are none", () => {
    const [request] = toCheckRunRequests(input({ annotations: [] }));
    expect(request!.output).not.toHaveProperty("annotations");
  });

  it("clips summary and text to 65,535 characters with a truncation note", () => {
    const [request] = toCheckRunRequests(input({ summary: "s".repeat(100_000), text: "t".repeat(70_000) }));
    expect(CHECK_OUTPUT_LIMIT).toBe(65_535);
    expect(request!.output.summary).toHaveLength(65_535);
    expect(request!.output.summary.startsWith("sssss")).toBe(true);
    expect(request!.output.summary.endsWith("\n\n… (truncated)")).toBe(true);
    expect(request!.output.text).toHaveLength(65_535);
    expect(request!.output.text!.endsWith("\n\n… (truncated)")).toBe(true);
  });

  it("leaves a summary of exactly 65,535 characters alone", () => {
    const [request] = toCheckRunRequests(input({ summary: "s".repeat(65_535) }));
    expect(request!.output.summary).toBe("s".repeat(65_535));
  });

  it("clips the title to 255 characters, and annotation titles too", () => {
    const [request] = toCheckRunRequests(input({ title: "T".repeat(300), annotations: [{ ...annotations(1)[0]!, title: "A".repeat(300) }] }));
    expect(request!.output.title).toHaveLength(255);
    expect(request!.output.title.endsWith("… (truncated)")).toBe(true);
    expect(request!.output.annotations![0]!.title).toHaveLength(255);
  });

  it("adds conclusion and completed_at when the run is completed", () => {
    const requests = toCheckRunRequests(input({ status: "completed", conclusion: "failure", annotations: annotations(60) }));
    for (const request of requests) {
      expect(request).toMatchObject({ status: "completed", conclusion: "failure" });
      expect(new Date((request as { completed_at?: string }).completed_at!).toISOString()).toBe((request as { completed_at?: string }).completed_at);
    }
  });

  it("has no completed_at or conclusion while the run is queued or in progress", () => {
    for (const status of ["queued", "in_progress"] as const) {
      const [request] = toCheckRunRequests(input({ status }));
      expect(request).not.toHaveProperty("completed_at");
      expect(request).not.toHaveProperty("conclusion");
    }
  });

  // GitHub completes any check run given a conclusion, so one is only sent with "completed".
  it("sends no conclusion with a status other than completed", () => {
    const [request] = toCheckRunRequests(input({ status: "in_progress", conclusion: "success" }));
    expect(request).not.toHaveProperty("conclusion");
  });
});

describe("clip", () => {
  it("returns text within the limit unchanged and cuts longer text to exactly the limit", () => {
    expect(clip("short", 100)).toBe("short");
    expect(clip("x".repeat(100), 100)).toBe("x".repeat(100));
    const clipped = clip("x".repeat(101), 100);
    expect(clipped).toHaveLength(100);
    expect(clipped).toBe(`${"x".repeat(100 - "\n\n… (truncated)".length)}\n\n… (truncated)`);
  });
});

describe("toCheckRunRequests with buttons", () => {
  it("sends at most three actions, within GitHub's lengths, and an empty list to take them away", () => {
    const base = { name: "Mission scrutiny · M1", headSha: "abc", status: "completed" as const, conclusion: "cancelled" as const, title: "t", summary: "s" };
    const action = (n: number) => ({ label: `Button number ${n} that is long`, description: "d".repeat(50), identifier: `identifier-${n}-too-long-for-github` });
    const [request] = toCheckRunRequests({ ...base, actions: [1, 2, 3, 4].map(action), detailsUrl: "https://missions.example.test/missions/m1" });
    expect(request!.actions).toHaveLength(3);
    for (const sent of request!.actions!) {
      expect(sent.label.length).toBeLessThanOrEqual(20);
      expect(sent.description.length).toBeLessThanOrEqual(40);
      expect(sent.identifier.length).toBeLessThanOrEqual(20);
    }
    expect(request!.details_url).toBe("https://missions.example.test/missions/m1");
    expect(toCheckRunRequests({ ...base, actions: [] })[0]!.actions).toEqual([]);
    expect(toCheckRunRequests(base)[0]).not.toHaveProperty("actions");
  });
});
