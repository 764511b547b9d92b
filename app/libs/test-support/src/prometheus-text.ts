/** One sample of a Prometheus or OpenMetrics text page, with its exemplar's labels if it has one. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  exemplar?: Record<string, string>;
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
// A label value may hold any character, escaped quotes, backslashes and newlines included, and so
// `}` and `,`: label sets are matched pair by pair, never by searching for the closing brace.
const PAIR = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\]|\\\\.)*"`;
const LABELS = `\\{(?:${PAIR}(?:,${PAIR})*,?)?\\}`;
const SAMPLE = new RegExp(`^(${NAME})(${LABELS})? (\\S+)(?: \\S+)?(?: # (${LABELS}) \\S+.*)?$`);

const unescape = (value: string) =>
  value.replace(/\\(.)/g, (_, char: string) => (char === "n" ? "\n" : char));

const labelsOf = (text: string | undefined): Record<string, string> =>
  Object.fromEntries(
    [...(text ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [
      m[1]!,
      unescape(m[2]!),
    ]),
  );

/** Parses the samples and metric families (name → type) of an OpenMetrics or Prometheus text page. */
export function parseMetrics(text: string): { samples: Sample[]; families: Map<string, string> } {
  const samples: Sample[] = [];
  const families = new Map<string, string>();
  for (const line of text.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      // OpenMetrics names a counter family without its `_total` suffix.
      families.set(
        type[2] === "counter" && !type[1]!.endsWith("_total") ? `${type[1]}_total` : type[1]!,
        type[2]!,
      );
      continue;
    }
    if (!line || line.startsWith("#")) continue;
    const match = SAMPLE.exec(line);
    if (!match) continue;
    samples.push({
      name: match[1]!,
      labels: labelsOf(match[2]),
      value: Number(match[3]),
      ...(match[4] ? { exemplar: labelsOf(match[4]) } : {}),
    });
  }
  return { samples, families };
}

/**
 * The sum of the samples of `name` whose labels include `labels`; NaN when there is none, so that
 * a missing series never reads as zero.
 */
export function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const matching = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return matching.length ? matching.reduce((sum, s) => sum + s.value, 0) : NaN;
}
