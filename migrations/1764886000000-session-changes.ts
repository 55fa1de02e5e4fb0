import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Announces on the change feed (channel `sunshine_reference`, payload `session:<account id>`; see
 * libs/core/src/reference/reference-data.ts) the account whose
 * session check could now answer otherwise: a session ended, expired or deleted while live, its
 * activity mark moved back (never by the app's own once-a-minute mark, which only moves forward);
 * an account disabled or enabled, its kind, home region, password, forced change or second factor
 * changed; a role granted, revoked, changed or deleted. Every API process listens and forgets the
 * session checks it keeps in memory for that account (SessionCache), whoever made the change —
 * another process, a script, an operator in psql. PostgreSQL delivers a notification when its
 * transaction commits, and in commit order. The seed loads with `session_replication_role =
 * replica`, so no trigger fires there.
 */
export class SessionChanges1764886000000 implements MigrationInterface {
  name = 'SessionChanges1764886000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION sunshine_announce_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('sunshine_reference', 'session:' ||
          (CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END ->> TG_ARGV[0]));
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER auth_session_changed AFTER UPDATE ON auth_session FOR EACH ROW
      WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
            OR OLD.user_id IS DISTINCT FROM NEW.user_id OR NEW.last_seen_at < OLD.last_seen_at)
      EXECUTE FUNCTION sunshine_announce_session_change('user_id')`);
    await q.query(`
      CREATE TRIGGER auth_session_deleted AFTER DELETE ON auth_session FOR EACH ROW
      WHEN (OLD.revoked_at IS NULL)
      EXECUTE FUNCTION sunshine_announce_session_change('user_id')`);
    await q.query(`
      CREATE TRIGGER app_user_changed AFTER UPDATE ON app_user FOR EACH ROW
      WHEN (OLD.disabled_at IS DISTINCT FROM NEW.disabled_at OR OLD.kind IS DISTINCT FROM NEW.kind
            OR OLD.home_region_code IS DISTINCT FROM NEW.home_region_code
            OR OLD.password_changed_at IS DISTINCT FROM NEW.password_changed_at
            OR OLD.password_change_required IS DISTINCT FROM NEW.password_change_required
            OR OLD.totp_enabled_at IS DISTINCT FROM NEW.totp_enabled_at)
      EXECUTE FUNCTION sunshine_announce_session_change('id')`);
    await q.query(`
      CREATE TRIGGER app_user_deleted AFTER DELETE ON app_user FOR EACH ROW
      EXECUTE FUNCTION sunshine_announce_session_change('id')`);
    await q.query(`
      CREATE TRIGGER role_assignment_changed AFTER INSERT OR UPDATE OR DELETE ON role_assignment FOR EACH ROW
      EXECUTE FUNCTION sunshine_announce_session_change('user_id')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER role_assignment_changed ON role_assignment`);
    await q.query(`DROP TRIGGER app_user_deleted ON app_user`);
    await q.query(`DROP TRIGGER app_user_changed ON app_user`);
    await q.query(`DROP TRIGGER auth_session_deleted ON auth_session`);
    await q.query(`DROP TRIGGER auth_session_changed ON auth_session`);
    await q.query(`DROP FUNCTION sunshine_announce_session_change()`);
  }
}
