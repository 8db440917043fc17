import type { FastifyHelmetOptions } from '@fastify/helmet'

/**
 * A strict Content-Security-Policy: scripts and styles only from Roster's own origin (Vite emits files, never inline
 * code), no plugins, no framing, nothing fetched from elsewhere. Helmet adds the other headers (nosniff,
 * Referrer-Policy no-referrer, HSTS behind HTTPS, COOP/CORP).
 */
export const CONSOLE_HELMET: FastifyHelmetOptions = {
  global: true,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  referrerPolicy: { policy: 'no-referrer' },
  frameguard: { action: 'deny' },
  crossOriginEmbedderPolicy: false,
}
