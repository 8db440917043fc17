import { sql, type Selectable } from 'kysely'
import type { UserGroupRef } from '../directory/types.js'
import type { UsersTable } from './database.js'
import { preparedQuery, type PreparedQuery } from './prepared-query.js'
import type { RepoContext } from './repo-context.js'
import type { Engine } from './store.js'
import { USER_COLUMNS } from './user-columns.js'

/** A user's row with its groups as one more column (`groups_json`), as the statements below read it. */
export type UserRowWithGroups = Selectable<UsersTable> & { groups_json: unknown }

/**
 * The user's groups as one column of its own row, `[[id, displayName], …]` in the groups' creation order: Entra's
 * lookup and a GET by id then read a user and its groups in one statement, one round trip on PostgreSQL instead of two
 * (issue #11). The subquery walks the `group_members_user` index as the separate read did.
 */
function groupsColumn(engine: Engine) {
  const memberships = sql`from "group_members" as "gm" inner join "groups" as "g" on "g"."id" = "gm"."group_id" where "gm"."org_id" = "users"."org_id" and "gm"."user_id" = "users"."id"`
  return engine === 'postgres'
    ? sql<unknown>`(select coalesce(json_agg(json_build_array("g"."id", "g"."display_name") order by "g"."seq"), '[]'::json) ${memberships})`
    : sql<unknown>`(select json_group_array(json_array("g"."id", "g"."display_name") order by "g"."seq") ${memberships})`
}

/** One prepared statement per engine (their SQL differs beyond placeholders), picked by the context's engine. */
function perEngine<Params extends Record<string, unknown>>(
  make: (engine: Engine) => PreparedQuery<Params, UserRowWithGroups>,
): (context: RepoContext) => PreparedQuery<Params, UserRowWithGroups> {
  const statements = { sqlite: make('sqlite'), postgres: make('postgres') }
  return (context) => statements[context.dialect.engine]
}

export const userByIdWithGroups = perEngine((engine) =>
  preparedQuery<{ orgId: string; id: string }, UserRowWithGroups>((db, p) =>
    db.selectFrom('users').select(USER_COLUMNS).select(groupsColumn(engine).as('groups_json')).where('org_id', '=', p.orgId).where('id', '=', p.id),
  ),
)

/** Locks the user's row until the transaction ends (PostgreSQL); the groups are read, not locked. */
export const userByIdWithGroupsForUpdate = perEngine((engine) =>
  preparedQuery<{ orgId: string; id: string }, UserRowWithGroups>((db, p) =>
    db.selectFrom('users').select(USER_COLUMNS).select(groupsColumn(engine).as('groups_json')).where('org_id', '=', p.orgId).where('id', '=', p.id).forUpdate(),
  ),
)

export const userByNameKeyWithGroups = perEngine((engine) =>
  preparedQuery<{ orgId: string; key: string }, UserRowWithGroups>((db, p) =>
    db.selectFrom('users').select(USER_COLUMNS).select(groupsColumn(engine).as('groups_json')).where('org_id', '=', p.orgId).where('user_name_key', '=', p.key),
  ),
)

/** `groups_json` as the domain's refs: SQLite returns the JSON text, PostgreSQL's driver the parsed array. */
export function groupsFromColumn(value: unknown): UserGroupRef[] {
  const pairs = (typeof value === 'string' ? JSON.parse(value) : value) as Array<[string, string]> | null
  return (pairs ?? []).map(([groupId, displayName]) => ({ groupId, displayName }))
}
