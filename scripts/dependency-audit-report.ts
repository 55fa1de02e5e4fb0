/**
 * Advisories accepted after review, by id (GHSA or npm advisory number): each must be argued in
 * docs/security.md, "Dependencies". None today.
 */
export const ACCEPTED: Record<string, string> = {};

export interface Advisory {
  source?: number | string;
  url?: string;
  title?: string;
  severity?: string;
}

export interface AuditReport {
  vulnerabilities?: Record<string, { severity: string; via: (Advisory | string)[] }>;
  message?: string;
  statusCode?: number;
  error?: { summary?: string };
}

/** A high or critical advisory of a package, and whether it is an accepted exception. */
export interface SeriousAdvisory {
  pkg: string;
  id: string;
  title?: string;
  severity: string;
  accepted: boolean;
}

/** The report's high and critical advisories; null when npm could not reach the advisory service. */
export function seriousAdvisories(report: AuditReport, accepted = ACCEPTED): SeriousAdvisory[] | null {
  if (!report.vulnerabilities) return null;
  return Object.entries(report.vulnerabilities).flatMap(([pkg, v]) =>
    v.via
      .filter((a): a is Advisory => typeof a === 'object' && (a.severity === 'high' || a.severity === 'critical'))
      .map((a) => {
        const id = String(a.url?.split('/').pop() ?? a.source);
        return { pkg, id, title: a.title, severity: a.severity as string, accepted: id in accepted };
      }),
  );
}
