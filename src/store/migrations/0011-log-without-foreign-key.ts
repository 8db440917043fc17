import { sql, type Kysely, type Migration } from 'kysely'
import type { Engine } from '../store.js'

/**
 * PostgreSQL's provisioning log without its foreign key to organizations (issue #6: the log's cost per lookup). The
 * key's check ran a query that locks the organization's row for every row inserted: measured on this project's
 * machine, a third of what PostgreSQL spent writing a lookup's entry. The batch insert now locks each organization of
 * the batch once instead, and deleteOrganization removes the organization's rows itself, after its own row, so that
 * an insert racing the deletion either finishes first (and its rows are deleted) or finds no organization (and leaves
 * its rows out); see provisioning-log-repo.ts. SQLite keeps its key: its check is an in-process index lookup.
 */
export function logWithoutForeignKey(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (engine !== 'postgres') return
      await sql`alter table provisioning_log drop constraint if exists provisioning_log_org_id_fkey`.execute(db)
    },

    async down(db: Kysely<unknown>): Promise<void> {
      if (engine !== 'postgres') return
      await sql`delete from provisioning_log where org_id not in (select id from organizations)`.execute(db)
      await sql`alter table provisioning_log add constraint provisioning_log_org_id_fkey
        foreign key (org_id) references organizations (id) on delete cascade`.execute(db)
    },
  }
}
