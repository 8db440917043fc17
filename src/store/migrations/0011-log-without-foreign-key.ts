import { sql, type Kysely, type Migration } from 'kysely'
import type { Engine } from '../store.js'

/**
 * PostgreSQL's provisioning log without its foreign key to organizations (issue #6: the log's cost per lookup). The
 * key's check ran a query that locks the organization's row for every row inserted: measured on this project's
 * machine, a third of what PostgreSQL spent writing a lookup's entry. The batch insert now locks each organization of
 * the batch once instead (see provisioning-log-repo.ts).
 *
 * The key's cascade stays, as a trigger: whatever deletes an organization's row (deleteOrganization, an instance still
 * on the previous release during a rolling upgrade, an operator's SQL) deletes its log in the same statement, after
 * the row, so that an insert racing the deletion either finished first (its lock on the row made the deletion wait,
 * and the trigger's DELETE, a statement of its own, sees its rows) or finds no organization (and leaves its rows
 * out). Without it, such rows stayed forever: retention only walks organizations that exist. The trigger costs
 * nothing on inserts. SQLite keeps its key: its check is an in-process index lookup.
 */
export function logWithoutForeignKey(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (engine !== 'postgres') return
      // The log's table first, then organizations (the constraint's drop, then the trigger): the order in which a
      // running instance's log insert takes them, so that an instance migrating at start cannot deadlock with it.
      await sql`alter table provisioning_log drop constraint if exists provisioning_log_org_id_fkey`.execute(db)
      await sql`create function provisioning_log_cascade() returns trigger language plpgsql as $$
        begin
          delete from provisioning_log where org_id = old.id;
          return null;
        end
      $$`.execute(db)
      await sql`create trigger organizations_delete_log after delete on organizations
        for each row execute function provisioning_log_cascade()`.execute(db)
    },

    async down(db: Kysely<unknown>): Promise<void> {
      if (engine !== 'postgres') return
      await sql`delete from provisioning_log where org_id not in (select id from organizations)`.execute(db)
      await sql`alter table provisioning_log add constraint provisioning_log_org_id_fkey
        foreign key (org_id) references organizations (id) on delete cascade`.execute(db)
      await sql`drop trigger organizations_delete_log on organizations`.execute(db)
      await sql`drop function provisioning_log_cascade()`.execute(db)
    },
  }
}
