import { type AuditReport, evaluateAudit } from "./audit-report";

const advisory = (name: string, severity: string, id: string) => ({
  source: 1,
  name,
  title: `${name} is vulnerable`,
  url: `https://github.com/advisories/${id}`,
  severity,
  range: "<2.0.0",
});

const report: AuditReport = {
  vulnerabilities: {
    left: { name: "left", severity: "critical", via: [advisory("left", "critical", "GHSA-aaaa-aaaa-aaaa")] },
    right: {
      name: "right",
      severity: "high",
      via: [advisory("right", "high", "GHSA-bbbb-bbbb-bbbb"), "left"],
    },
    mild: { name: "mild", severity: "moderate", via: [advisory("mild", "moderate", "GHSA-cccc-cccc-cccc")] },
  },
};
const today = new Date("2026-06-01T00:00:00Z");

describe("evaluating npm audit against the allow-list", () => {
  it("when high and critical advisories are not excused, then each blocks; moderate ones do not", () => {
    const verdict = evaluateAudit(report, [], today);
    expect(verdict.kind === "checked" && verdict.blocking.map((a) => a.name).sort()).toEqual([
      "left",
      "right",
    ]);
  });

  it("when an exception names the advisory and package with a reason and a future date, then it is excused", () => {
    const verdict = evaluateAudit(
      report,
      [
        {
          advisory: "GHSA-aaaa-aaaa-aaaa",
          package: "left",
          reason: "only reachable from tests",
          until: "2026-12-31",
        },
      ],
      today,
    );
    expect(verdict).toMatchObject({
      kind: "checked",
      blocking: [{ name: "right" }],
      allowed: [{ name: "left" }],
    });
  });

  it("when an exception expired, has no reason or names another package, then it excuses nothing", () => {
    for (const entry of [
      { advisory: "GHSA-aaaa-aaaa-aaaa", package: "left", reason: "was fine", until: "2026-01-01" },
      { advisory: "GHSA-aaaa-aaaa-aaaa", package: "left", reason: " ", until: "2026-12-31" },
      { advisory: "GHSA-aaaa-aaaa-aaaa", package: "other", reason: "wrong package", until: "2026-12-31" },
    ]) {
      const verdict = evaluateAudit(report, [entry], today);
      expect(verdict.kind === "checked" && verdict.blocking.map((a) => a.name)).toContain("left");
    }
  });

  it("when npm could not get advisories (the registry refused the request), then the verdict says so instead of passing", () => {
    const refused = {
      message: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
      error: { summary: "" },
    };
    expect(evaluateAudit(refused, [], today)).toEqual({ kind: "unavailable", reason: refused.message });
  });
});
