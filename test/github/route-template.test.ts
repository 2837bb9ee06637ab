import { describe, expect, it } from "vitest";
import { routeTemplate } from "../../src/github/missions-octokit.ts";

describe("the route label of a GitHub call", () => {
  it("is Octokit's template, or the same shape for the absolute URLs pagination follows", () => {
    expect(routeTemplate("/repos/{owner}/{repo}/issues/{issue_number}/comments")).toBe("/repos/{owner}/{repo}/issues/{issue_number}/comments");
    expect(routeTemplate("https://github.example.com/api/v3/repos/acme/app/issues/12/comments?per_page=100&page=2")).toBe("/repos/{owner}/{repo}/issues/{number}/comments");
    expect(routeTemplate("https://api.github.com/repositories/42/issues/7/comments?page=3")).toBe("/repositories/{number}/issues/{number}/comments");
  });
});
