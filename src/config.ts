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
  /** PostgreSQL: run the hot statements as named prepared statements (off behind a pooler that cannot keep them). */
  databaseNamedStatements: boolean
  /** PostgreSQL: pg's pipeline mode for transactions (BEGIN and the outbox append travel with the next statement). */
  databasePipeline: boolean
  /** Behind a TLS-terminating proxy: trust X-Forwarded-Proto/-For (Fastify `trustProxy`), so cookies get `Secure`. */
  trustProxy: boolean
  /** At first start, the default organization's first admin: a sign-in link for it is printed. */
  adminEmail: string | undefined
  /** Time a client has to send a whole request, headers and body (408 and the connection closed after it). */
  requestTimeoutMs: number
  /** Time a client has to send the request headers. */
  headersTimeoutMs: number
  /** How long an idle keep-alive connection stays open between requests. */
  keepAliveTimeoutMs: number
  /** Requests one organization may make on the SCIM surface per window (429 above it); 0 turns the limit off. */
  scimRateLimit: number
  /** The window of `scimRateLimit`, in seconds. */
  scimRateLimitWindowSeconds: number
  /** Days events stay in the feed (and wait for webhook delivery) before retention deletes them. */
  eventRetentionDays: number
  webhooks: WebhookConfig
  /** SAML: accepted clock difference with the IdP, in ms (field guide rule 7). */
  samlClockSkewMs: number
  /** SAML: how long an SP-initiated login may take between start and ACS, in ms. */
  samlRequestTtlMs: number
  /** SAML: refresh IdP metadata from its URL this often, in ms; 0 turns the background refresh off. */
  samlMetadataRefreshMs: number
  /** SAML: metadata download limits. */
  samlMetadataTimeoutMs: number
  samlMetadataMaxBytes: number
  /** The provisioning log (PROVISIONING_LOG_*); see README "Provisioning log". */
  provisioningLog: ProvisioningLogConfig
  /** The OpenID Connect provider (OIDC_*); see README "Sign your users in with OpenID Connect". */
  oidc: OidcConfig
}

/** Token lifetimes of the OpenID Connect provider; back-channel logout delivery uses the WEBHOOK_* settings. */
export interface OidcConfig {
  codeTtlMs: number
  accessTokenTtlMs: number
  idTokenTtlMs: number
}

export interface ProvisioningLogConfig {
  /** PROVISIONING_LOG=off records nothing (the bench compares); metrics still count. */
  enabled: boolean
  retentionDays: number
  maxRowsPerOrg: number
  flushIntervalMs: number
  batchSize: number
  queueLimit: number
}

/** Webhook delivery (issue 7): retries with exponential backoff and jitter, per-attempt timeout, address policy. */
export interface WebhookConfig {
  /** http and private, loopback or link-local addresses (as typed and as resolved) are refused unless true. */
  allowPrivateUrls: boolean
  /** Per-attempt timeout (connect to end of response headers and body). */
  timeoutMs: number
  /** First retry delay; each later one is 4× the previous, up to retryMaxDelayMs, with ±20% jitter. */
  retryBaseMs: number
  retryMaxDelayMs: number
  /** After this many failed attempts the endpoint is marked failing and its events wait for a replay. */
  maxAttempts: number
  /** How often an idle worker looks for work. */
  pollIntervalMs: number
  /** Endpoints one worker pass claims. */
  batchSize: number
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

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (raw === 'true' || raw === '1') return true
  if (raw === 'false' || raw === '0') return false
  throw new Error(`${name} must be true or false; got "${raw}"`)
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
  const requestTimeoutMs = integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000)
  const headersTimeoutMs = integer(env, 'HEADERS_TIMEOUT_MS', Math.min(10_000, requestTimeoutMs), 100, 3_600_000)
  // Node refuses a headers timeout longer than the request timeout: the headers are part of the request.
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new Error(`HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed REQUEST_TIMEOUT_MS (${requestTimeoutMs})`)
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
    databaseNamedStatements: boolean(env, 'DATABASE_NAMED_STATEMENTS', true),
    databasePipeline: boolean(env, 'DATABASE_PIPELINE', true),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    adminEmail: env.ADMIN_EMAIL?.trim() || undefined,
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 72_000, 1, 3_600_000),
    scimRateLimit: integer(env, 'SCIM_RATE_LIMIT', 6000, 0, 100_000_000),
    scimRateLimitWindowSeconds: integer(env, 'SCIM_RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
    eventRetentionDays: integer(env, 'EVENT_RETENTION_DAYS', 30, 1, 3650),
    webhooks: Object.freeze({
      allowPrivateUrls: boolean(env, 'WEBHOOK_ALLOW_PRIVATE_URLS', false),
      timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 50, 120_000),
      retryBaseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', 5_000, 1, 3_600_000),
      retryMaxDelayMs: integer(env, 'WEBHOOK_RETRY_MAX_DELAY_MS', 10 * 3_600_000, 1, 7 * 86_400_000),
      maxAttempts: integer(env, 'WEBHOOK_MAX_ATTEMPTS', 10, 1, 100),
      pollIntervalMs: integer(env, 'WEBHOOK_POLL_INTERVAL_MS', 1_000, 10, 600_000),
      batchSize: integer(env, 'WEBHOOK_BATCH_SIZE', 10, 1, 1000),
    }),
    samlClockSkewMs: integer(env, 'SAML_CLOCK_SKEW_SECONDS', 120, 0, 300) * 1000,
    samlRequestTtlMs: integer(env, 'SAML_REQUEST_TTL_MINUTES', 30, 1, 1440) * 60_000,
    samlMetadataRefreshMs: integer(env, 'SAML_METADATA_REFRESH_MINUTES', 720, 0, 10_080) * 60_000,
    samlMetadataTimeoutMs: integer(env, 'SAML_METADATA_TIMEOUT_MS', 10_000, 100, 120_000),
    samlMetadataMaxBytes: integer(env, 'SAML_METADATA_MAX_BYTES', 1_048_576, 1024, 10 * 1_048_576),
    provisioningLog: loadProvisioningLogConfig(env),
    oidc: Object.freeze({
      codeTtlMs: integer(env, 'OIDC_CODE_TTL_SECONDS', 60, 1, 600) * 1000,
      accessTokenTtlMs: integer(env, 'OIDC_ACCESS_TOKEN_TTL_SECONDS', 600, 10, 86_400) * 1000,
      idTokenTtlMs: integer(env, 'OIDC_ID_TOKEN_TTL_SECONDS', 600, 10, 86_400) * 1000,
    }),
  })
}

function loadProvisioningLogConfig(env: NodeJS.ProcessEnv): Readonly<ProvisioningLogConfig> {
  const switchValue = (env.PROVISIONING_LOG || 'on').toLowerCase()
  if (switchValue !== 'on' && switchValue !== 'off') throw new Error(`PROVISIONING_LOG must be on or off; got "${env.PROVISIONING_LOG}"`)
  return Object.freeze({
    enabled: switchValue === 'on',
    retentionDays: integer(env, 'PROVISIONING_LOG_RETENTION_DAYS', 30, 1, 3650),
    maxRowsPerOrg: integer(env, 'PROVISIONING_LOG_MAX_ROWS', 100_000, 100, 100_000_000),
    flushIntervalMs: integer(env, 'PROVISIONING_LOG_FLUSH_MS', 500, 10, 60_000),
    // 500, not 200: under Entra's lookups a batch fills every ~80 ms instead of ~33, and fewer commits (each rewrites the
    // last, partly filled pages of the table and its index) took the log's cost on lookups from 10–12 % to 6.5–7 % in
    // the bench's state at 100,000 users (issue #6). Writes still go 200 to a batch (writeBatchSize); the crash bound
    // is still the flush interval.
    batchSize: integer(env, 'PROVISIONING_LOG_BATCH_SIZE', 500, 1, 1000),
    queueLimit: integer(env, 'PROVISIONING_LOG_QUEUE_LIMIT', 10_000, 100, 1_000_000),
  })
}

/**
 * What to put before `npm run --silent cli -- …` in the commands Roster prints, so that a command copied from the
 * server's output reaches the same database and prints links to the same address (the CLI reads the same variables).
 * A PostgreSQL URL with a password is never printed: the command refers to the shell's `$DATABASE_URL` instead.
 */
export function cliEnvironmentPrefix(env: NodeJS.ProcessEnv = process.env): string {
  const quote = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`)
  const parts: string[] = []
  for (const name of ['DATABASE_URL', 'PUBLIC_URL', 'HOST', 'PORT']) {
    const value = env[name]
    if (!value) continue
    const secret = name === 'DATABASE_URL' && /^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(value)
    parts.push(secret ? `${name}="$${name}"` : `${name}=${quote(value)}`)
  }
  return parts.map((part) => `${part} `).join('')
}

/** The Tenant URL an IT admin pastes into Entra. */
export const tenantUrl = (config: Pick<Config, 'publicUrl'>): string => `${config.publicUrl}${SCIM_BASE_PATH}`

/** The console's sign-in page for a login link; the token travels in the fragment, so it never reaches server logs or Referer headers. */
export const consoleSignInUrl = (config: Pick<Config, 'publicUrl'>, token: string): string => `${config.publicUrl}/sign-in/link#${token}`

/** The OpenID Connect provider's settings: the issuer is Roster's public URL. */
export const oidcSettings = (config: Pick<Config, 'publicUrl' | 'oidc' | 'samlRequestTtlMs'>) => ({
  issuer: config.publicUrl,
  codeTtlMs: config.oidc.codeTtlMs,
  accessTokenTtlMs: config.oidc.accessTokenTtlMs,
  idTokenTtlMs: config.oidc.idTokenTtlMs,
  requestTtlMs: config.samlRequestTtlMs,
})
