import type { FaultRule } from "./types.ts";

interface ArmedRule extends FaultRule {
  remaining: number;
}

// Fault injection for API requests: the next `times` requests matching a rule get its canned
// response instead of reaching a handler. Rules are consulted oldest first.
export class FaultInjector {
  readonly #rules: ArmedRule[] = [];

  add(rule: FaultRule): void {
    this.#rules.push({ ...rule, remaining: rule.times ?? 1 });
  }

  /** Forgets every rule not used up yet. */
  clear(): void {
    this.#rules.length = 0;
  }

  take(method: string, path: string): FaultRule | undefined {
    const rule = this.#rules.find((r) => {
      r.path.lastIndex = 0; // a /g regex is stateful; every request deserves a fresh test
      return (!r.method || r.method.toUpperCase() === method) && r.path.test(path);
    });
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.#rules.splice(this.#rules.indexOf(rule), 1);
    return rule;
  }
}
