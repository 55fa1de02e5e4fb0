import { disclosurePathSql, RuleDefinition } from '../rule.types';

export const frequentCorrections: RuleDefinition = {
  id: 'frequent-corrections',
  title: '频繁更正 Frequent corrections',
  description: 'A published disclosure was corrected more than the limit (default more than two corrections).',
  severity: 'low',
  params: {
    maxCorrections: { kind: 'integer', description: 'More corrections than this are flagged', min: 0, max: 50 },
  },
  defaults: { maxCorrections: 2 },
  sql: () => `
    SELECT d.id::text AS key, d.region_code,
      'The ' || d.category || ' disclosure for ' || d.period || ' was corrected ' || count(*) || ' times (limit '
        || min((vp.p->>'maxCorrections')::int) || ').' AS explanation,
      jsonb_build_object('disclosureId', d.id, 'corrections', jsonb_agg(jsonb_build_object('revision', rv.number,
        'reason', rv.correction_reason, 'path', ${disclosurePathSql('d.id')} || '/revisions/' || rv.number) ORDER BY rv.number),
        'path', ${disclosurePathSql('d.id')}) AS evidence
    FROM villages vp
    JOIN disclosure d ON d.region_code = vp.village_code AND d.status = 'published'
    JOIN disclosure_revision rv ON rv.disclosure_id = d.id AND rv.status = 'published' AND rv.number > 1
    GROUP BY d.id, d.region_code, d.category, d.period
    HAVING count(*) > min((vp.p->>'maxCorrections')::int)`,
};
