import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs. Redaction is defence in depth: code never passes tokens or passwords to the logger on purpose, but
 * if a header bag or body slips in, these paths are censored.
 */
export const REDACT_PATHS = [
  'req.headers["x-auth-token"]',
  'req.headers["x-subject-token"]',
  'req.headers["x-service-token"]',
  'req.headers["x-auth-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["x-subject-token"]',
  'res.headers["x-auth-token"]',
  'res.headers["x-storage-token"]',
  'res.headers["set-cookie"]',
  'headers["x-auth-token"]',
  'headers["x-subject-token"]',
  'headers.cookie',
  '*.password',
  '*.secret',
  '*.token',
  '*.key',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'ocx-proxy' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as pino.DestinationStream | undefined,
  );
}
