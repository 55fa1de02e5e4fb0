import { disclosurePathSql, publishedSql, RuleDefinition } from '../rule.types';

export const subsidyOfficial: RuleDefinition = {
  id: 'subsidy-official',
  title: '村干部享受补贴 Village official receives a subsidy',
  description:
    'A recipient on a village’s published subsidy list is an account (matched by the keyed hash of the identity number) holding an active village role (default: clerk or monitor) at that village.',
  severity: 'high',
  params: {
    roles: {
      kind: 'words',
      description: 'Roles held at the village that count',
      allowed: ['village_clerk', 'village_monitor'],
    },
  },
  defaults: { roles: ['village_clerk', 'village_monitor'] },
  sql: () => `
    SELECT d.region_code || ':' || d.period || ':' || md5(encode(s.id_number_hash, 'hex')) AS key, d.region_code,
      'Recipient ' || s.id_number_masked || ' of the ' || d.period || ' subsidy list (' || s.subsidy_type
        || ') holds the role ' || string_agg(DISTINCT ra.role, ', ') || ' at this village.' AS explanation,
      jsonb_build_object('period', d.period, 'disclosureId', d.id, 'lineNo', min(s.line_no), 'path', ${disclosurePathSql('d.id')},
        'userId', min(u.id::text)) AS evidence
    FROM ${publishedSql()}
    JOIN subsidy_entry s ON s.revision_id = rv.id
    JOIN app_user u ON u.id_number_hash = s.id_number_hash
    JOIN role_assignment ra ON ra.user_id = u.id AND ra.region_code = d.region_code AND ra.revoked_at IS NULL
      AND ra.role IN (SELECT jsonb_array_elements_text(vp.p->'roles'))
    GROUP BY d.id, d.region_code, d.period, s.id_number_hash, s.id_number_masked, s.subsidy_type`,
};
