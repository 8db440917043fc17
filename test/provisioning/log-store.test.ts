import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { CompiledQuery, sql, type Kysely } from 'kysely'
import type { Clock } from '../../src/lib/clock.js'
import { LogRetention } from '../../src/provisioning/log-retention.js'
import { buildLogEntry, type RequestFacts } from '../../src/provisioning/build-log-entry.js'
import { LogWriter } from '../../src/provisioning/log-writer.js'
import { RequestCollector } from '../../src/provisioning/request-collector.js'
import { ProvisioningLog } from '../../src/provisioning/provisioning-log.js'
import { setupDiagnostics } from '../../src/provisioning/setup-diagnostics.js'
import type { Database } from '../../src/store/database.js'
import { parseDatabaseUrl } from '../../src/store/open-store.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { createOrganization } from '../store/store-fixtures.js'
import { logEntry } from './log-fixtures.js'
import { deleteOrganizationRow, rawLogRows } from './raw-log-rows.js'

const DAY = 86_400_000
const NOW = Date.parse('2026-06-15T12:00:00.000Z')
const clock: Clock = { now: () => new Date(NOW) }

for (const dialect of DIALECTS) {
  describe(`${dialect}: provisioning log storage, writer and retention`, () => {
    let store: Store
    let close: () => Promise<void>
    let databaseUrl: string

    before(async () => {
      ;({ store, close, databaseUrl } = await openTestStore(dialect))
    })
    after(() => close())

    // SSO sign-ins (a just-in-time create, a refusal) are entries of the log, without a token: they say nothing about
    // whether Entra's provisioning reaches Roster, so neither the health's "last request" nor the checks for silence
    // may count them (an organization with SSO but no SCIM yet was told "Nothing to fix").
    test("the summary's last request and the silence checks count SCIM requests, not SSO sign-ins", async () => {
      const orgId = await createOrganization(store, 'Only SSO')
      const log = new ProvisioningLog(store, clock)
      const sso = (minutesAgo: number, overrides: Parameters<typeof logEntry>[2] = {}) =>
        logEntry(orgId, new Date(NOW - minutesAgo * 60_000), {
          tokenId: null, client: 'SAML sign-in (just-in-time)', method: 'POST', path: '/sso/saml/saml_x/acs', status: 201, operation: 'create', changes: [], ...overrides,
        })
      await store.insertLogEntries([sso(5), sso(2, { status: 403, outcome: 'failure', operation: null, detail: 'SSO sign-in refused (not_provisioned)' })])
      const codes = async () => (await setupDiagnostics(log, clock, orgId, { scimMembers: 0, withoutDirectoryRole: 0 })).map((d) => d.code)
      assert.equal((await log.summary(orgId)).lastRequestAt, null)
      assert.deepEqual(await codes(), ['no-requests-yet'])

      // Entra's last SCIM request two hours ago, SSO sign-ins since: provisioning has stopped, and the checks say so.
      const scimAt = new Date(NOW - 120 * 60_000)
      await store.insertLogEntries([logEntry(orgId, scimAt)])
      assert.equal((await log.summary(orgId)).lastRequestAt, scimAt.toISOString())
      assert.ok((await codes()).includes('no-recent-requests'))
    })

    // A lookup's row keeps no second copy of its ASCII path and client for the text search (the query folds them in
    // place); a non-ASCII path or client is folded in JS, as userNames are, so that both engines agree.
    test('the text search matches the path, the client and the other texts, case-insensitively, ASCII or not', async () => {
      const orgId = await createOrganization(store, 'Searched')
      const at = (ms: number) => new Date(NOW + ms)
      await store.insertLogEntries([
        logEntry(orgId, at(1), { path: '/Users?filter=userName+eq+%22Ada%40Example.com%22', client: 'Azure AD Provisioning/1.0', detail: null }),
        logEntry(orgId, at(2), { path: '/Users/usr_x', client: 'ÉCOLE-Connector/2 (Straße)', detail: null }),
        logEntry(orgId, at(3), { path: '/Groups/Ünïcode', client: null, detail: 'Attribute ΣΊΣΥΦΟΣ was ignored' }),
        logEntry(orgId, at(4), { path: '/Users', client: null, userName: 'Grace@Example.com', detail: null }),
      ])
      const log = new ProvisioningLog(store, clock)
      const found = async (text: string) => (await log.queryLog(orgId, { text }, { limit: 100 })).entries.map((entry) => entry.time).sort()
      assert.deepEqual(await found('ADA%40example'), [at(1).toISOString()], 'an ASCII path, matched in place')
      assert.deepEqual(await found('azure ad'), [at(1).toISOString()], 'an ASCII client, matched in place')
      assert.deepEqual(await found('école-connector'), [at(2).toISOString()], 'a non-ASCII client, folded')
      assert.deepEqual(await found('STRASSE'), [at(2).toISOString()], 'full case folding: ß is ss')
      assert.deepEqual(await found('/groups/ünïcode'), [at(3).toISOString()], 'a non-ASCII path, folded')
      assert.deepEqual(await found('σίσυφος'), [at(3).toISOString()], 'a detail, folded')
      assert.deepEqual(await found('grace@'), [at(4).toISOString()], 'a userName')
      assert.deepEqual(await found('/users'), [at(1), at(2), at(4)].map((time) => time.toISOString()))
      assert.deepEqual(await found('nowhere'), [])
    })

    // Text a client sent with a lone surrogate, or with quotes, backslashes and control characters, is stored alike on
    // both engines (a lone surrogate as U+FFFD; SQLite used to store three replacement characters).
    test('stores any text a client sent, a lone surrogate included (as U+FFFD), without losing the batch', async () => {
      const orgId = await createOrganization(store, 'Odd texts')
      const at = (ms: number) => new Date(NOW + ms)
      await store.insertLogEntries([
        logEntry(orgId, at(1), { userName: 'lone\ud800surrogate', detail: 'quote " backslash \\ tab \t newline \n' }),
        logEntry(orgId, at(2), { userName: 'pair \ud83d\ude00 ok', notes: ['note with "quotes"'], changes: [{ attribute: 'displayName', before: null, after: 'Zoë' }] }),
      ])
      const entries = (await new ProvisioningLog(store, clock).queryLog(orgId, {}, { limit: 10 })).entries
      assert.deepEqual(entries.map((entry) => entry.userName), ['pair \ud83d\ude00 ok', 'lone\ufffdsurrogate'])
      assert.equal(entries[1]?.detail, 'quote " backslash \\ tab \t newline \n')
      assert.deepEqual(entries[0]?.notes, ['note with "quotes"'])
      assert.deepEqual(entries[0]?.changes, [{ attribute: 'displayName', before: null, after: 'Zoë' }])
      assert.equal(entries[0]?.status, 200)
      assert.equal(entries[0]?.durationMs, 1.5)
    })

    test('retention deletes rows older than the days and beyond the rows per organization, in small batches', async () => {
      const orgId = await createOrganization(store, 'Retained')
      const other = await createOrganization(store, 'Untouched')
      // 30 rows 40..69 days old, 30 rows 0..29 days old; the other organization has 30 old rows too.
      const entries = [
        ...Array.from({ length: 30 }, (_, i) => logEntry(orgId, new Date(NOW - (40 + i) * DAY), { detail: 'old' })),
        ...Array.from({ length: 30 }, (_, i) => logEntry(orgId, new Date(NOW - i * DAY - 1000), { detail: 'recent' })),
      ]
      await store.insertLogEntries(entries)
      await store.insertLogEntries(Array.from({ length: 30 }, (_, i) => logEntry(other, new Date(NOW - i * DAY - 1000))))
      const deletedBatches: number[] = []
      const byDays = new LogRetention(store, clock, { days: 35, maxRowsPerOrg: 1000, batchSize: 7, intervalMs: 60_000 }, { deleted: (n) => deletedBatches.push(n) })
      assert.equal(await byDays.runOnce(), 30)
      assert.deepEqual(deletedBatches, [30])
      const log = new ProvisioningLog(store, clock)
      const left = await log.queryLog(orgId, {}, { limit: 1000 })
      assert.equal(left.entries.length, 30)
      assert.ok(left.entries.every((e) => e.detail === 'recent'))

      const byRows = new LogRetention(store, clock, { days: 3650, maxRowsPerOrg: 12, batchSize: 5, intervalMs: 60_000 })
      assert.equal(await byRows.runOnce(), 18 + 18, 'both organizations are cut to 12 rows')
      const kept = (await log.queryLog(orgId, {}, { limit: 1000 })).entries
      assert.deepEqual(kept.map((e) => e.time), left.entries.slice(0, 12).map((e) => e.time), 'the newest rows are kept')
      assert.equal((await log.queryLog(other, {}, { limit: 1000 })).entries.length, 12)
      assert.equal(await byRows.runOnce(), 0, 'a second run has nothing to do')
    })

    test('the writer writes in batches, drops (and counts) when its queue is full or the database refuses a batch', async () => {
      const orgId = await createOrganization(store, 'Written')
      const events = { batches: [] as number[], dropped: [] as string[], failures: 0 }
      const writer = new LogWriter(store, {
        // 10 entries a batch, of which at most 4 writes (writeBatchSize): these entries are updates.
        batchSize: 10,
        flushIntervalMs: 10_000,
        queueLimit: 10,
        events: { batchWritten: (n) => events.batches.push(n), dropped: (n, reason) => events.dropped.push(`${n} ${reason}`), writeFailed: () => events.failures++ },
      })
      const accepted = Array.from({ length: 12 }, (_, i) => writer.enqueue(logEntry(orgId, new Date(NOW + i))))
      assert.deepEqual(accepted, [...Array(10).fill(true), false, false])
      assert.deepEqual(events.dropped, ['1 queue_full', '1 queue_full'])
      await writer.flush()
      assert.deepEqual(events.batches, [4, 4, 2])
      assert.equal(writer.pending, 0)
      assert.equal((await new ProvisioningLog(store, clock).queryLog(orgId, {}, { limit: 100 })).entries.length, 10)

      // An entry of an organization that does not exist is dropped alone (and counted), its batch-mates are written,
      // and nothing is retried forever. SQLite's foreign key refuses the batch, which is then written one by one;
      // PostgreSQL's batch insert leaves the entry out (migration 0011).
      writer.enqueue(logEntry(orgId, new Date(NOW + 100), { detail: 'before' }))
      writer.enqueue(logEntry('org_missing', new Date(NOW)))
      writer.enqueue(logEntry(orgId, new Date(NOW + 101), { detail: 'after' }))
      await writer.stop()
      assert.equal(events.failures, dialect === 'sqlite' ? 1 : 0)
      assert.deepEqual(events.dropped.slice(2), ['1 write_failed'])
      assert.equal(events.batches.at(-1), 2)
      assert.equal(writer.pending, 0)
      const details = (await new ProvisioningLog(store, clock).queryLog(orgId, { text: 'fore' }, { limit: 100 })).entries.map((e) => e.detail)
      assert.deepEqual(details, ['before'])
    })

    // Lookups (most of the log) are queued as their request's facts and built with their batch (LogWriter.enqueueRequest);
    // their rows go in through an insert with the plain columns written into its SQL. Neither may change what is stored.
    test('entries built with their batch, and plain rows, are stored exactly as entries built at once', async () => {
      const orgId = await createOrganization(store, 'Built late')
      const facts = (ms: number, overrides: Partial<RequestFacts> = {}): RequestFacts => ({
        orgId, time: new Date(NOW + ms), requestId: `req-${ms}`, tokenId: 'tok_aaaaaaaaaaaaaaaaaaaaaaaa', userAgent: 'Azure Active Directory SCIM',
        method: 'GET', path: `/org/scim/v2/Users?filter=userName eq "u${ms}@x.test"`, resourceType: 'User', resourceId: null,
        requestedName: null, status: 200, scimType: null, detail: null, durationMs: 0.25, ...overrides,
      })
      const failed = new RequestCollector()
      failed.ignored(['ignored attribute "nickName"'])
      const requests: [RequestFacts, RequestCollector | undefined][] = [
        ...Array.from({ length: 57 }, (_, i): [RequestFacts, undefined] => [facts(i, i === 7 ? { resourceId: 'usr_seven', path: '/org/scim/v2/Users/usr_seven' } : {}), undefined]),
        [facts(60, { status: 404, scimType: null, detail: 'Resource usr_gone not found' }), undefined],
        [facts(61, { method: 'POST', status: 400, scimType: 'invalidValue', detail: 'userName is required' }), failed],
      ]
      const events = { dropped: [] as string[], batches: [] as number[] }
      const writer = new LogWriter(store, {
        batchSize: 100, flushIntervalMs: 10_000, queueLimit: 1000,
        events: { dropped: (n, reason) => events.dropped.push(`${n} ${reason}`), batchWritten: (n) => events.batches.push(n) },
      })
      // A request whose facts cannot be made into an entry (an invalid time) is dropped alone when its batch is built.
      writer.enqueueRequest(facts(58, { time: new Date(Number.NaN) }), undefined)
      for (const [requestFacts, collected] of requests) writer.enqueueRequest(requestFacts, collected)
      assert.equal(writer.pending, requests.length + 1)
      await writer.flush()
      assert.deepEqual(events.dropped, ['1 write_failed'])
      assert.deepEqual(events.batches, [requests.length])

      const stored = (await new ProvisioningLog(store, clock).queryLog(orgId, {}, { limit: 100 })).entries
      const expected = requests.map(([requestFacts, collected]) => buildLogEntry(requestFacts, collected))
      const withoutId = ({ id, ...rest }: { id: string }) => (assert.match(id, /^log_[0-9a-z]{24}$/), rest)
      assert.deepEqual(stored.map(withoutId), expected.reverse().map(withoutId))
      assert.equal(new Set(stored.map((entry) => entry.id)).size, stored.length, 'every entry has an id of its own')

      // Row for row, a plain entry written with 49 other plain ones (the plain insert) equals the same entry written
      // among 49 that are not all plain (the insert that binds every column).
      const plainRow = (await rawLogRows(databaseUrl)).find((row) => row.request_id === 'req-7')!
      const again = buildLogEntry(facts(7, { resourceId: 'usr_seven', path: '/org/scim/v2/Users/usr_seven', requestId: 'req-7-again' }), undefined)
      await store.insertLogEntries([again, ...Array.from({ length: 49 }, (_, i) => buildLogEntry(facts(100 + i, { status: 500 }), undefined))])
      const fullRow = (await rawLogRows(databaseUrl)).find((row) => row.request_id === 'req-7-again')!
      const comparable = ({ seq, id, request_id, ...rest }: Record<string, unknown>) => rest
      assert.deepEqual(comparable(fullRow), comparable(plainRow))
      assert.equal(plainRow.search_text, 'usr_seven')
    })

    // SQLite writes a batch at once (writeNow) when the connection is free: all of it or, when a statement fails, none.
    test('a batch is written whole or not at all, across its statements', async () => {
      const orgId = await createOrganization(store, 'Whole batches')
      const failures: unknown[] = []
      const writer = new LogWriter(store, { batchSize: 200, flushIntervalMs: 10_000, queueLimit: 1000, events: { writeFailed: (error) => failures.push(error) } })
      // 120 entries: the first two 50-row inserts are fine, the third carries an unknown organization.
      for (let i = 0; i < 120; i++) writer.enqueue(logEntry(i === 110 ? 'org_missing' : orgId, new Date(NOW + i), { requestId: `whole-${i}` }))
      await writer.flush()
      assert.equal(failures.length, dialect === 'sqlite' ? 1 : 0, 'SQLite refuses the batch, then writes it entry by entry')
      const ids = (await rawLogRows(databaseUrl)).filter((row) => row.org_id === orgId).map((row) => row.request_id)
      assert.equal(ids.length, 119)
      assert.equal(new Set(ids).size, 119, 'no entry written twice')
    })

    // PostgreSQL's log has no foreign key (migration 0011): the organization's deletion removes its rows itself, and an
    // insert that holds the organization while it is deleted must not leave rows behind that nobody could ever see.
    test("deleting an organization deletes its log, rows of an insert in flight included; other organizations' stay", async () => {
      const gone = await createOrganization(store, 'Deleted with its log')
      const kept = await createOrganization(store, 'Keeps its log')
      assert.equal(await store.insertLogEntries([logEntry(gone, new Date(NOW)), logEntry(kept, new Date(NOW))]), 2)
      let inserted!: () => void
      const insertDone = new Promise<void>((resolve) => (inserted = resolve))
      let release!: () => void
      const held = new Promise<void>((resolve) => (release = resolve))
      const inFlight = store.transaction(async (tx) => {
        assert.equal(await tx.insertLogEntries([logEntry(gone, new Date(NOW + 1), { detail: 'in flight' })]), 1)
        inserted()
        await held
      })
      await insertDone
      const deletion = store.deleteOrganization(gone)
      // The deletion waits for the insert's transaction (PostgreSQL: its lock on the organization's row).
      await new Promise((resolve) => setTimeout(resolve, 100))
      release()
      await inFlight
      assert.equal(await deletion, true)
      const rows = await rawLogRows(databaseUrl)
      assert.deepEqual(rows.filter((row) => row.org_id === gone), [])
      assert.equal(rows.filter((row) => row.org_id === kept).length, 1)
      if (dialect === 'postgres') {
        assert.equal(await store.insertLogEntries([logEntry(gone, new Date(NOW + 2)), logEntry(kept, new Date(NOW + 2))]), 1, 'the deleted organization\'s entry is left out')
      } else {
        await assert.rejects(store.insertLogEntries([logEntry(gone, new Date(NOW + 2))]), /FOREIGN KEY/)
      }
      assert.deepEqual((await rawLogRows(databaseUrl)).filter((row) => row.org_id === gone), [])
    })

    // The other order: the deletion holds the organization's row when the insert arrives. The insert waits for it and
    // then leaves the organization's entry out (PostgreSQL); SQLite's foreign key refuses it.
    test("an insert that arrives while its organization is being deleted leaves no row; other organizations' are written", async () => {
      const gone = await createOrganization(store, 'Being deleted')
      const kept = await createOrganization(store, 'Not deleted')
      let deleted!: () => void
      const deletedNotCommitted = new Promise<void>((resolve) => (deleted = resolve))
      let release!: () => void
      const held = new Promise<void>((resolve) => (release = resolve))
      const deletion = store.transaction(async (tx) => {
        assert.equal(await tx.deleteOrganization(gone), true)
        deleted()
        await held
      })
      await deletedNotCommitted
      if (dialect === 'postgres') {
        const insert = store.insertLogEntries([logEntry(kept, new Date(NOW)), logEntry(gone, new Date(NOW)), logEntry(kept, new Date(NOW + 1))])
        await new Promise((resolve) => setTimeout(resolve, 100))
        release()
        await deletion
        assert.equal(await insert, 2)
      } else {
        // SQLite's one writer: the insert would wait for the deletion's transaction, which is ours to end first.
        release()
        await deletion
        await assert.rejects(store.insertLogEntries([logEntry(gone, new Date(NOW))]), /FOREIGN KEY/)
      }
      const rows = await rawLogRows(databaseUrl)
      assert.deepEqual(rows.filter((row) => row.org_id === gone), [])
    })

    // The foreign key's cascade removed an organization's log whatever deleted the organization. Without it
    // (PostgreSQL, migration 0011), an instance still on the previous release during a rolling upgrade, or an operator's
    // SQL, deletes the row alone: its log, user names and changes included, stayed forever, and since retention walks
    // the organizations that exist, nothing would ever have removed it.
    test('an organization deleted by a bare DELETE (an instance not yet upgraded, an operator) takes its log with it', async () => {
      const gone = await createOrganization(store, 'Deleted by SQL')
      const kept = await createOrganization(store, 'Still here')
      assert.equal(await store.insertLogEntries([logEntry(gone, new Date(NOW)), logEntry(kept, new Date(NOW)), logEntry(gone, new Date(NOW + 1))]), 3)
      assert.equal(await deleteOrganizationRow(databaseUrl, gone), 1)
      const rows = await rawLogRows(databaseUrl)
      assert.deepEqual(rows.filter((row) => row.org_id === gone), [])
      assert.equal(rows.filter((row) => row.org_id === kept).length, 1)
    })

    // An attribute a client sends that Roster ignores is noted by its name, which the client chose: a NUL in it
    // (`{"userName": "a", "x\u0000y": 1}`) made PostgreSQL refuse the whole batch (text cannot hold NUL), and when two
    // such entries came first, the writer took the database for broken and dropped the rest of the batch: other
    // organizations' entries too.
    test("a NUL in an ignored attribute's name costs no entry, the client's own or another organization's", async () => {
      const attacker = await createOrganization(store, 'Sends NUL')
      const victim = await createOrganization(store, 'Sends nothing odd')
      const facts = (orgId: string, ms: number): RequestFacts => ({
        orgId, time: new Date(NOW + ms), requestId: `req-${ms}`, tokenId: null, userAgent: undefined, method: 'POST', path: '/Users',
        resourceType: 'User', resourceId: null, requestedName: null, status: 400, scimType: null, detail: null, durationMs: 1,
      })
      const noted = (orgId: string, ms: number) => {
        const collector = new RequestCollector()
        collector.ignored([`x\u0000y${ms}`])
        return buildLogEntry(facts(orgId, ms), collector)
      }
      const dropped: string[] = []
      const writer = new LogWriter(store, { batchSize: 10, flushIntervalMs: 10_000, queueLimit: 10, events: { dropped: (n, reason) => dropped.push(`${n} ${reason}`) } })
      writer.enqueue(noted(attacker, 1))
      writer.enqueue(noted(attacker, 2))
      writer.enqueue(buildLogEntry(facts(victim, 3), undefined))
      await writer.stop()
      assert.deepEqual(dropped, [])
      assert.equal((await new ProvisioningLog(store, clock).queryLog(victim, {}, { limit: 10 })).entries.length, 1)
      const notes = (await new ProvisioningLog(store, clock).queryLog(attacker, { text: 'xy1' }, { limit: 10 })).entries.map((e) => e.notes)
      assert.deepEqual(notes, [['xy1']])
    })

    test('the log\'s queries walk its indexes, not the table', async () => {
      const orgId = await createOrganization(store, 'Planned')
      const other = await createOrganization(store, 'Crowd')
      for (let round = 0; round < 10; round++) {
        await store.insertLogEntries(
          Array.from({ length: 400 }, (_, i) =>
            logEntry(i % 4 === 0 ? orgId : other, new Date(NOW - (round * 400 + i) * 60_000), i % 20 === 0 ? { outcome: 'failure', status: 400, operation: null } : {}),
          ),
        )
      }
      const { dialect: engine, location } = parseDatabaseUrl(databaseUrl)
      const db: Kysely<Database> = engine.open(location, { poolSize: 1 })
      try {
        await sql`analyze`.execute(db)
        const plan = async (query: { compile(): CompiledQuery }) => {
          const compiled = query.compile()
          const prefix = dialect === 'sqlite' ? 'explain query plan ' : 'explain '
          const rows = (await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(prefix + compiled.sql, [...compiled.parameters]))).rows
          return rows.map((row) => String(row.detail ?? row['QUERY PLAN'])).join('\n')
        }
        const base = () => db.selectFrom('provisioning_log').selectAll().where('org_id', '=', orgId)
        // The repository's own statements (provisioning-log-repo.ts), as plain Kysely.
        const queries = {
          newest: base().orderBy('at', 'desc').orderBy('seq', 'desc').limit(51),
          resource: base().where((eb) => eb.or([eb('resource_id', '=', 'usr_x'), eb('name_key', '=', 'x@y')])).orderBy('at', 'desc').limit(51),
          failures: base().where(sql<boolean>`outcome = 'failure'`).orderBy('at', 'desc').limit(51),
          operation: base().where('operation', '=', 'deactivate').orderBy('at', 'desc').limit(51),
        }
        const expected: Record<keyof typeof queries, RegExp> = {
          newest: /provisioning_log_org_at/,
          resource: /provisioning_log_org_resource[\s\S]*provisioning_log_org_name|provisioning_log_org_name[\s\S]*provisioning_log_org_resource/,
          failures: /provisioning_log_org_failure/,
          operation: /provisioning_log_org_operation/,
        }
        for (const [name, query] of Object.entries(queries) as [keyof typeof queries, (typeof queries)[keyof typeof queries]][]) {
          const text = await plan(query)
          if (dialect === 'sqlite') assert.match(text, expected[name], `${name}: ${text}`)
          assert.doesNotMatch(text, /Seq Scan|SCAN provisioning_log(?! USING)/, `${name}: ${text}`)
        }
      } finally {
        await db.destroy()
      }
    })
  })
}
