import { AuditReport, seriousAdvisories } from '../scripts/dependency-audit-report';

/** The test command's dependency check (`npm run audit:deps`) reads npm audit's JSON report so. */
describe('audit:deps: the high and critical advisories of the production dependencies', () => {
  const report: AuditReport = {
    vulnerabilities: {
      leaky: {
        severity: 'high',
        via: [
          { source: 1, url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc', title: 'a leak', severity: 'high' },
        ],
      },
      mild: {
        severity: 'moderate',
        via: [{ source: 2, url: 'https://github.com/advisories/GHSA-x', severity: 'moderate' }],
      },
      // A package vulnerable only through another names it as a string: the advisory is counted once, at its source.
      wrapper: { severity: 'high', via: ['leaky'] },
    },
  };

  it('lists each high or critical advisory once, open unless accepted by id', () => {
    expect(seriousAdvisories(report, {})).toEqual([
      { pkg: 'leaky', id: 'GHSA-aaaa-bbbb-cccc', title: 'a leak', severity: 'high', accepted: false },
    ]);
    expect(seriousAdvisories(report, { 'GHSA-aaaa-bbbb-cccc': 'argued in docs/security.md' })).toEqual([
      expect.objectContaining({ id: 'GHSA-aaaa-bbbb-cccc', accepted: true }),
    ]);
    expect(seriousAdvisories({ vulnerabilities: {} })).toEqual([]);
  });

  it('tells an unreachable advisory service (no report) from a clean one', () => {
    expect(seriousAdvisories({ message: '405 Method Not Allowed', statusCode: 405 })).toBeNull();
  });
});
