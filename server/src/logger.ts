import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One logger for the process. The redaction list is a backstop: code must never pass message
 * text, file names, names or tokens to a log call in the first place.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'carechat' },
    serializers: {
      // Query strings can carry a name search (`?q=Alice`): log the path only.
      req: (req: { method?: string; url?: string; ip?: string }) => ({
        method: req.method,
        path: req.url?.split('?')[0],
        ip: req.ip,
      }),
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'headers.cookie',
        '*.password',
        '*.content',
        '*.token',
        '*.accessToken',
      ],
      censor: '[redacted]',
    },
  });
}
