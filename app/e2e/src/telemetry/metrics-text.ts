/** One sample of an OpenMetrics exposition, with its exemplar's labels if it has one. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  exemplar?: Record<string, string>;
}

const labelsOf = (text: string | undefined): Record<string, string> =>
  Object.fromEntries(
    [...(text ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
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
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)(?: \S+)?(?: # (\{[^}]*\}) \S+.*)?$/.exec(
      line,
    );
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

/** The sum of the samples of `name` whose labels include `labels`. */
export function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
