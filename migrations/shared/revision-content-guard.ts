/**
 * The guard of published content as RevisionRedaction1764600000000 made it (redactions the one
 * change allowed); RowSecurityColumns1764872000000 extends it and restores it on revert.
 */
export const REVISION_CONTENT_GUARD = `
      CREATE OR REPLACE FUNCTION revision_content_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        rev uuid := CASE WHEN TG_OP = 'INSERT' THEN NEW.revision_id ELSE OLD.revision_id END;
      BEGIN
        IF EXISTS (SELECT 1 FROM disclosure_revision WHERE id = rev AND status = 'published')
           OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM disclosure_revision WHERE id = NEW.revision_id AND status = 'published')) THEN
          IF TG_OP = 'UPDATE' AND NEW.revision_id = OLD.revision_id AND TG_TABLE_NAME IN ('finance_line', 'subsidy_entry')
             AND redaction_permits(rev,
               CASE TG_TABLE_NAME WHEN 'finance_line' THEN 'financeLines/' ELSE 'subsidies/' END || (to_jsonb(OLD) ->> 'line_no') || '/',
               to_jsonb(OLD), to_jsonb(NEW),
               CASE TG_TABLE_NAME
                 WHEN 'finance_line' THEN '{"counterparty": "counterparty", "voucher_no": "voucherNo", "note": "note"}'::jsonb
                 ELSE '{"recipient_name": "recipientName", "village_group": "villageGroup"}'::jsonb END) THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION 'content of published revision % is immutable', rev USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`;
