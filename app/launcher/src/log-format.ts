const LEVEL_COLORS: Record<string, string> = {
  fatal: "35",
  error: "31",
  warn: "33",
  info: "32",
  debug: "36",
  trace: "90",
};
const NAME_WIDTH = 12;

/**
 * One service's log line for a developer's terminal: `auth         | 13:07:00 INFO message key=value`.
 * Lines that are not pino JSON pass through unchanged behind the prefix.
 */
export function formatLogLine(name: string, line: string, color: boolean): string {
  const prefix = `${name.padEnd(NAME_WIDTH)}|`;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${prefix} ${line}`;
  }
  if (typeof entry !== "object" || entry === null) return `${prefix} ${line}`;
  const { time, level, msg, service: _service, ...fields } = entry;
  const clock = typeof time === "string" ? time.slice(11, 19) : "";
  const levelText = String(level ?? "")
    .toUpperCase()
    .padEnd(5);
  const shownLevel = color ? `\u001b[${LEVEL_COLORS[String(level)] ?? "0"}m${levelText}\u001b[0m` : levelText;
  const rest = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  return `${prefix} ${clock} ${shownLevel} ${String(msg ?? "")}${rest ? ` ${rest}` : ""}`;
}
