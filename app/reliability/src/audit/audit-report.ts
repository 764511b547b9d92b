/** One advisory behind a vulnerable package, as `npm audit --json` (report version 2) lists it. */
export interface Advisory {
  source: number;
  name: string;
  title: string;
  url: string;
  severity: string;
  range: string;
}

/** The part of `npm audit --json` this check reads. */
export interface AuditReport {
  vulnerabilities?: Record<string, { name: string; severity: string; via: (string | Advisory)[] }>;
  /** Present instead of a report when npm could not get one (no registry, endpoint refused). */
  error?: { summary?: string; detail?: string };
  message?: string;
}

/** An accepted exception: which advisory, in which package, why, and until when. */
export interface AllowListEntry {
  /** The advisory's URL or its GHSA id (`GHSA-xxxx-xxxx-xxxx`). */
  advisory: string;
  package: string;
  reason: string;
  /** ISO date after which the exception no longer counts (forces a second look). */
  until: string;
}

export type AuditVerdict =
  | { kind: "unavailable"; reason: string }
  | {
      kind: "checked";
      blocking: Advisory[];
      allowed: Advisory[];
      expired: AllowListEntry[];
      invalid: string[];
    };

const BLOCKING = new Set(["high", "critical"]);

const matches = (entry: AllowListEntry, advisory: Advisory) =>
  entry.package === advisory.name &&
  (advisory.url === entry.advisory || advisory.url.endsWith(`/${entry.advisory}`));

/**
 * Which high or critical advisories block: every one behind a vulnerable package that no valid,
 * unexpired allow-list entry names. Entries without a reason are invalid and allow nothing.
 */
export function evaluateAudit(report: AuditReport, allowList: AllowListEntry[], today: Date): AuditVerdict {
  if (!report.vulnerabilities) {
    const reason = report.message ?? report.error?.summary ?? "npm audit returned no report";
    return { kind: "unavailable", reason };
  }
  const invalid = allowList
    .filter((e) => !e.reason?.trim() || !e.advisory || !e.package || Number.isNaN(Date.parse(e.until)))
    .map(
      (e) =>
        `${e.package ?? "?"} ${e.advisory ?? "?"}: an exception needs advisory, package, reason and until`,
    );
  const usable = allowList.filter(
    (e) => e.reason?.trim() && e.advisory && e.package && !Number.isNaN(Date.parse(e.until)),
  );
  const expired = usable.filter((e) => Date.parse(e.until) < today.getTime());
  const current = usable.filter((e) => !expired.includes(e));
  const advisories = new Map<string, Advisory>();
  for (const vulnerability of Object.values(report.vulnerabilities)) {
    for (const via of vulnerability.via) {
      if (typeof via === "object" && BLOCKING.has(via.severity))
        advisories.set(`${via.name} ${via.url}`, via);
    }
  }
  const blocking: Advisory[] = [];
  const allowed: Advisory[] = [];
  for (const advisory of advisories.values())
    (current.some((entry) => matches(entry, advisory)) ? allowed : blocking).push(advisory);
  return { kind: "checked", blocking, allowed, expired, invalid };
}
