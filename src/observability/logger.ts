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

let lastMs = Number.NaN;
let lastTime = '';

/**
 * pino's `stdTimeFunctions.isoTime` (the same `,"time":"<ISO 8601>"` fragment), formatted once per millisecond:
 * under load several lines share a millisecond, and the Date and its string were made for each (every request
 * writes a line).
 */
export function isoTime(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'ocx-proxy' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: isoTime,
    },
    destination as pino.DestinationStream | undefined,
  );
}
