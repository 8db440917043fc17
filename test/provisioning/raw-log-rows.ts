import Database from 'better-sqlite3'
import pg from 'pg'

/** Every stored provisioning-log row exactly as the database holds it, read over a connection of its own. */
export async function rawLogRows(databaseUrl: string): Promise<Record<string, unknown>[]> {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Database(databaseUrl.slice('sqlite:'.length), { readonly: true })
    try {
      return db.prepare('select * from provisioning_log').all() as Record<string, unknown>[]
    } finally {
      db.close()
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return (await client.query('select * from provisioning_log')).rows as Record<string, unknown>[]
  } finally {
    await client.end()
  }
}

/**
 * Deletes an organization's row with the bare statement, over a connection of its own: what the release before
 * migration 0011 ran (an instance not yet upgraded) and what an operator's SQL does.
 */
export async function deleteOrganizationRow(databaseUrl: string, orgId: string): Promise<number> {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Database(databaseUrl.slice('sqlite:'.length))
    try {
      db.pragma('foreign_keys = on')
      return db.prepare('delete from organizations where id = ?').run(orgId).changes
    } finally {
      db.close()
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return (await client.query('delete from organizations where id = $1', [orgId])).rowCount ?? 0
  } finally {
    await client.end()
  }
}
