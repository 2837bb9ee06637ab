import { describe, expect, it } from "vitest";
import { BrowserUnavailableError } from "../../src/browser/index.ts";
import { deliveryRetryPolicy, delayBeforeRetry, stepRetryPolicy, type RetryPolicy } from "../../src/engine/retry-policy.ts";
import { stepDisposition } from "../../src/engine/step-disposition.ts";
import { StepProgressError } from "../../src/mission/index.ts";
import { BudgetExceededError, ModelError } from "../../src/models/index.ts";
import { awaitingApproval } from "../mission/fixtures.ts";
import { SandboxUnavailableError } from "../../src/workspace/index.ts";

const policy: RetryPolicy = stepRetryPolicy({ maxStepRetries: 3, retryDelayMs: 100 });
const outage = () => new ModelError("503 Service Unavailable", { isRetryable: true, status: 503 });

describe("retry policy", () => {
  it("waits longer after each failure in a row and gives up after the last retry", () => {
    expect([1, 2, 3, 4].map((failures) => delayBeforeRetry(policy, failures))).toEqual([100, 200, 400, undefined]);
  });

  it("tries a delivery 8 times in all by default, waiting 2 s then twice as long each time", () => {
    const delivery = deliveryRetryPolicy({});
    expect(delayBeforeRetry(delivery, 1)).toBe(2_000);
    expect(delayBeforeRetry(delivery, 7)).toBe(2_000 * 2 ** 6);
    expect(delayBeforeRetry(delivery, 8)).toBeUndefined();
    expect(delayBeforeRetry(deliveryRetryPolicy({ maxAttempts: 2, retryDelayMs: 5 }), 1)).toBe(5);
    expect(delayBeforeRetry(deliveryRetryPolicy({ maxAttempts: 2, retryDelayMs: 5 }), 2)).toBeUndefined();
  });
});

describe("stepDisposition", () => {
  it("classifies a step that kept part of its work by why the rest failed", () => {
    const kept = (cause: unknown) => new StepProgressError(cause, awaitingApproval(), "kept");
    expect(stepDisposition(kept(new BudgetExceededError(4.5, 5, 0.75)), 1, policy)).toEqual({ kind: "pause-budget", spentUsd: 4.5, capUsd: 5, nextCallUsd: 0.75 });
    expect(stepDisposition(kept(outage()), 1, policy)).toMatchObject({ kind: "retry", failures: 1 });
    expect(stepDisposition(kept(new Error("no")), 1, policy)).toEqual({ kind: "block", message: "no" });
  });

  it("pauses for the budget when the money ran out, whatever the failures so far", () => {
    expect(stepDisposition(new BudgetExceededError(4.5, 5, 0.75), 1, policy)).toEqual({ kind: "pause-budget", spentUsd: 4.5, capUsd: 5, nextCallUsd: 0.75 });
  });

  it("pauses for the operator at once when the host has no sandbox, with the raw detail for the log", () => {
    const error = new SandboxUnavailableError({ cause: "bubblewrap is missing", advice: "Install it, then comment `/mission resume`.", detail: "bwrap: not found" });
    expect(stepDisposition(error, 1, policy)).toEqual({ kind: "pause-operator", cause: "host", host: "sandbox", message: error.message, detail: "bwrap: not found" });
  });

  it("pauses for the operator at once when the host has no browser", () => {
    const error = new BrowserUnavailableError("/no/chromium");
    expect(stepDisposition(error, 1, policy)).toEqual({ kind: "pause-operator", cause: "host", host: "browser", message: error.message });
  });

  it("retries a passing failure within the policy, with the policy's delay", () => {
    expect(stepDisposition(outage(), 1, policy)).toEqual({ kind: "retry", failures: 1, delayMs: 100, message: "503 Service Unavailable" });
    expect(stepDisposition(outage(), 3, policy)).toMatchObject({ kind: "retry", failures: 3, delayMs: 400 });
    expect(stepDisposition(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), 1, policy).kind).toBe("retry");
  });

  it("pauses for an outage once the retries are spent", () => {
    expect(stepDisposition(outage(), 4, policy)).toEqual({ kind: "pause-operator", cause: "outage", retries: 3, message: "503 Service Unavailable" });
  });

  it("blocks on a failure that trying again would not change", () => {
    expect(stepDisposition(new Error("every branch name is taken"), 1, policy)).toEqual({ kind: "block", message: "every branch name is taken" });
    expect(stepDisposition(new ModelError("400 Bad Request", { isRetryable: false, status: 400 }), 1, policy).kind).toBe("block");
    expect(stepDisposition("a string thrown", 1, policy)).toEqual({ kind: "block", message: "a string thrown" });
  });
});
