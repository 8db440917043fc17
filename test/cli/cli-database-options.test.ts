import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { createOrganization } from '../store/store-fixtures.js'
import { runProcess } from './cli-process.js'

// The CLI opens the database as the server does: DATABASE_NAMED_STATEMENTS=false (a pooler in transaction mode that
// cannot keep prepared statements) and DATABASE_PIPELINE=false hold for `npm run cli` too, not only for the server.
if (DIALECTS.includes('postgres')) {
  describe('postgres: the CLI honours the DATABASE_* connection settings', () => {
    let opened: Awaited<ReturnType<typeof openTestStore>>
    let orgId: string
    let admin: pg.Client

    before(async () => {
      opened = await openTestStore('postgres')
      orgId = await createOrganization(opened.store, 'Pooled')
      admin = new pg.Client({ connectionString: opened.databaseUrl })
      await admin.connect()
      // Seen from inside the CLI's own session: how many named statements it had prepared when it inserted a member.
      await admin.query(`
        create table prepared_probe (user_name text, prepared int);
        create function probe_prepared() returns trigger language plpgsql as $$
        begin
          insert into prepared_probe values (new.user_name, (select count(*) from pg_prepared_statements));
          return new;
        end $$;
        create trigger probe_prepared after insert on users for each row execute function probe_prepared()`)
    })
    after(async () => {
      await admin.end()
      await opened.close()
    })

    const addMember = async (userName: string, env: Record<string, string>): Promise<number> => {
      const result = await runProcess(
        process.execPath,
        ['--import', 'tsx', 'src/cli.ts', 'member', 'add', '--org', orgId, '--user-name', userName, '--json'],
        { DATABASE_URL: opened.databaseUrl, ...env },
      )
      assert.equal(result.code, 0, result.stderr)
      const { rows } = await admin.query<{ prepared: number }>('select prepared from prepared_probe where user_name = $1', [userName])
      assert.equal(rows.length, 1)
      return rows[0]!.prepared
    }

    test('DATABASE_NAMED_STATEMENTS=false: the CLI prepares no named statement', async () => {
      assert.ok((await addMember('named@pooled.test', {})) > 0, 'by default the CLI runs the hot statements named (the probe sees them)')
      assert.equal(await addMember('unnamed@pooled.test', { DATABASE_NAMED_STATEMENTS: 'false', DATABASE_PIPELINE: 'false' }), 0)
    })
  })
}
