/** Roster's configuration, read once from the environment and frozen. Every variable is documented in the README. */
export interface Config {
  /** `sqlite:PATH` (default `sqlite:./data/roster.db`) or `postgres://…`. */
  databaseUrl: string
  host: string
  port: number
  /** Base of the Tenant URL shown to admins, e.g. `https://roster.example.com` behind a TLS proxy. */
  publicUrl: string
  logLevel: string
  /** Largest accepted request body, in bytes (413 above it). */
  maxBodyBytes: number
  /** Largest page a list request returns (RFC 7644 §3.4.2.4 lets the server cap `count`). */
  maxPageSize: number
  /** Page size when the client gives no `count`. */
  defaultPageSize: number
  /** Most operations accepted in one PATCH request. */
  maxPatchOperations: number
  /** PostgreSQL connection pool size per instance. */
  databasePoolSize: number
  /** SAML: accepted clock difference with the IdP, in ms (field guide rule 7). */
  samlClockSkewMs: number
  /** SAML: how long an SP-initiated login may take between start and ACS, in ms. */
  samlRequestTtlMs: number
  /** SAML: refresh IdP metadata from its URL this often, in ms; 0 turns the background refresh off. */
  samlMetadataRefreshMs: number
  /** SAML: metadata download limits. */
  samlMetadataTimeoutMs: number
  samlMetadataMaxBytes: number
}

export const SCIM_BASE_PATH = '/org/scim/v2'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}; got "${raw}"`)
  }
  return value
}

/** Parses the environment; throws with a plain message naming the variable when one is invalid. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const host = env.HOST || '127.0.0.1'
  const port = integer(env, 'PORT', 8080, 0, 65535)
  const databaseUrl = env.DATABASE_URL || 'sqlite:./data/roster.db'
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(databaseUrl)) {
    throw new Error(`DATABASE_URL must start with sqlite: or postgres://; got "${databaseUrl}"`)
  }
  const publicUrl = (env.PUBLIC_URL || `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '')
  if (!/^https?:\/\//.test(publicUrl)) throw new Error(`PUBLIC_URL must be an http(s) URL; got "${publicUrl}"`)
  const logLevel = env.LOG_LEVEL || 'info'
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}"`)
  const maxPageSize = integer(env, 'MAX_PAGE_SIZE', 1000, 1, 100_000)
  const defaultPageSize = integer(env, 'DEFAULT_PAGE_SIZE', Math.min(100, maxPageSize), 1, 100_000)
  if (defaultPageSize > maxPageSize) {
    throw new Error(`DEFAULT_PAGE_SIZE (${defaultPageSize}) must not exceed MAX_PAGE_SIZE (${maxPageSize})`)
  }
  return Object.freeze({
    databaseUrl,
    host,
    port,
    publicUrl,
    logLevel,
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1_048_576, 1024, 100 * 1_048_576),
    maxPageSize,
    defaultPageSize,
    maxPatchOperations: integer(env, 'MAX_PATCH_OPERATIONS', 1000, 1, 100_000),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    samlClockSkewMs: integer(env, 'SAML_CLOCK_SKEW_SECONDS', 120, 0, 300) * 1000,
    samlRequestTtlMs: integer(env, 'SAML_REQUEST_TTL_MINUTES', 30, 1, 1440) * 60_000,
    samlMetadataRefreshMs: integer(env, 'SAML_METADATA_REFRESH_MINUTES', 720, 0, 10_080) * 60_000,
    samlMetadataTimeoutMs: integer(env, 'SAML_METADATA_TIMEOUT_MS', 10_000, 100, 120_000),
    samlMetadataMaxBytes: integer(env, 'SAML_METADATA_MAX_BYTES', 1_048_576, 1024, 10 * 1_048_576),
  })
}

/** The Tenant URL an IT admin pastes into Entra. */
export const tenantUrl = (config: Pick<Config, 'publicUrl'>): string => `${config.publicUrl}${SCIM_BASE_PATH}`
