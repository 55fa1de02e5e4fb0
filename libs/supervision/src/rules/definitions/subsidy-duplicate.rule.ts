import { disclosurePathSql, publishedSql, RuleDefinition } from '../rule.types';

/**
 * The same person (keyed hash of the identity number) on the subsidy lists of two villages for one
 * period, or on two incompatible subsidy types in one period. The other list may lie outside the
 * scanned subtree: the whole province's published lists are searched (by the hash index).
 */
export const subsidyDuplicate: RuleDefinition = {
  id: 'subsidy-duplicate',
  title: '重复享受补贴 Same person on two subsidy lists',
  description:
    'The same person (matched by the keyed hash of the identity number) is on the subsidy lists of two villages for one period, or on two incompatible subsidy types (default 低保 with 五保) in one period.',
  severity: 'high',
  params: {
    incompatible: {
      kind: 'pairs',
      description: 'Pairs of subsidy types one person may not receive together',
      maxItems: 20,
    },
  },
  defaults: { incompatible: [['低保', '五保']] },
  sql: () => `
    WITH mine AS (
      SELECT d.id AS disclosure_id, d.region_code, d.period, s.line_no, s.subsidy_type, s.id_number_hash, s.id_number_masked, vp.p
      FROM ${publishedSql()}
      JOIN subsidy_entry s ON s.revision_id = rv.id
    ), others AS (
      SELECT m.*, d2.id AS other_id, d2.region_code AS other_region, s2.line_no AS other_line, s2.subsidy_type AS other_type
      FROM mine m
      JOIN subsidy_entry s2 ON s2.id_number_hash = m.id_number_hash
      JOIN disclosure_revision rv2 ON rv2.id = s2.revision_id AND rv2.status = 'published'
      JOIN disclosure d2 ON d2.id = rv2.disclosure_id AND d2.status = 'published' AND d2.published_revision = rv2.number
        AND d2.period = m.period
      WHERE NOT (d2.id = m.disclosure_id AND s2.line_no = m.line_no)
    )
    SELECT 'villages:' || md5(encode(o.id_number_hash, 'hex')) || ':' || o.period || ':' || o.region_code AS key, o.region_code,
      'Recipient ' || o.id_number_masked || ' of this village''s ' || o.period || ' subsidy list (' || o.subsidy_type
        || ') is also on the list of village ' || o.other_region || ' for the same period.' AS explanation,
      jsonb_build_object('period', o.period, 'disclosureId', o.disclosure_id, 'lineNo', o.line_no, 'path', ${disclosurePathSql('o.disclosure_id')},
        'other', jsonb_build_object('regionCode', o.other_region::text, 'disclosureId', o.other_id, 'lineNo', o.other_line,
          'path', ${disclosurePathSql('o.other_id')})) AS evidence
    FROM others o WHERE o.other_region <> o.region_code
    UNION ALL
    SELECT 'types:' || md5(encode(o.id_number_hash, 'hex')) || ':' || o.period || ':' || o.region_code AS key, o.region_code,
      'Recipient ' || o.id_number_masked || ' receives ' || o.subsidy_type || ' here and ' || o.other_type
        || CASE WHEN o.other_region = o.region_code THEN '' ELSE ' in village ' || o.other_region END
        || ' for ' || o.period || ': the two are not to be received together.' AS explanation,
      jsonb_build_object('period', o.period, 'disclosureId', o.disclosure_id, 'lineNo', o.line_no, 'path', ${disclosurePathSql('o.disclosure_id')},
        'other', jsonb_build_object('regionCode', o.other_region::text, 'disclosureId', o.other_id, 'lineNo', o.other_line,
          'path', ${disclosurePathSql('o.other_id')})) AS evidence
    FROM others o
    WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(o.p->'incompatible') pair
                  WHERE (pair->>0 = o.subsidy_type AND pair->>1 = o.other_type) OR (pair->>1 = o.subsidy_type AND pair->>0 = o.other_type))`,
};
