export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/**
 * A strict reader of the Prometheus text exposition format (0.0.4): every sample belongs to a
 * family with a # TYPE line, label values are quoted and escaped, values are numbers. Throws on
 * anything else.
 */
export function parsePrometheusText(text: string): { samples: Sample[]; types: Map<string, string> } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const where = `line ${index + 1}: ${line}`;
    if (line.startsWith("# HELP ")) {
      if (!NAME.test(line.split(" ")[2] ?? "")) throw new Error(`bad HELP, ${where}`);
      continue;
    }
    if (line.startsWith("# TYPE ")) {
      const [, , name, type] = line.split(" ");
      if (!NAME.test(name ?? "") || !TYPES.has(type ?? "")) throw new Error(`bad TYPE, ${where}`);
      if (types.has(name!)) throw new Error(`TYPE repeated, ${where}`);
      types.set(name!, type!);
      continue;
    }
    if (line.startsWith("#")) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a sample, ${where}`);
    const [, name, , labelText, valueText] = match;
    const family = [...types.keys()].find((candidate) => name === candidate || (/_(bucket|sum|count|total|created)$/.test(name!) && name!.startsWith(`${candidate}_`)));
    if (!family) throw new Error(`sample without a TYPE, ${where}`);
    const labels: Record<string, string> = {};
    if (labelText) {
      LABEL.lastIndex = 0;
      while (LABEL.lastIndex < labelText.length) {
        const label = LABEL.exec(labelText);
        if (!label) throw new Error(`bad labels, ${where}`);
        labels[label[1]!] = label[2]!.replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
      }
    }
    // As Prometheus reads them (Go's ParseFloat): NaN and Inf in any case.
    const special = valueText!.toLowerCase();
    const value = special === "nan" ? NaN : /^[+]?inf$/.test(special) ? Infinity : special === "-inf" ? -Infinity : Number(valueText);
    if (Number.isNaN(value) && special !== "nan") throw new Error(`bad value, ${where}`);
    samples.push({ name: name!, labels, value });
  }
  return { samples, types };
}

/** The sum of a metric's samples whose labels include `labels`. */
export function sumOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}
