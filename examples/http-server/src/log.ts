import { pino, stdTimeFunctions, type Logger } from 'pino';

/** LogFormat is how the server writes its lines, as `LOG_FORMAT` names it. */
export type LogFormat = 'text' | 'json';

/**
 * LogFields are what a line says to a machine besides its text: the job's
 * id, the worker, the timings in milliseconds, the event.
 */
export type LogFields = Record<string, string | number | boolean | undefined>;

/**
 * Log is where every line of the server goes. `info` is stdout; `notice`,
 * `warn` and `error` are stderr (Go's `log` writes to stderr: the
 * process's own course goes there, the tasks' lines to stdout). As text (the default) a line is its message alone, the
 * article's lines exactly; as JSON it is one object per line, the message
 * as `msg` and the fields beside it, for log collectors.
 */
export interface Log {
  /** The format it writes. */
  readonly format: LogFormat;
  /** info writes a line to stdout. */
  info(message: string, fields?: LogFields): void;
  /** notice writes an info-level line to stderr: the process's own normal course (a shutdown beginning). */
  notice(message: string, fields?: LogFields): void;
  /** warn writes a line to stderr: something the operator should know (connections shed). */
  warn(message: string, fields?: LogFields): void;
  /** error writes a line to stderr: something went wrong. */
  error(message: string, fields?: LogFields): void;
}

/** textLog writes the messages as they are, through `console` (so tests can watch it), ignoring the fields. */
export const textLog: Log = {
  format: 'text',
  info: (message) => console.log(message),
  notice: (message) => console.error(message),
  warn: (message) => console.error(message),
  error: (message) => console.error(message),
};

/**
 * jsonLog writes one JSON object per line through pino: `level`, `time`
 * (ISO 8601), `msg`, and the fields. Writes are synchronous, so the last
 * line before an exit is not lost.
 */
export function jsonLog(): Log {
  const options = { base: null, timestamp: stdTimeFunctions.isoTime };
  const out: Logger = pino(options, pino.destination({ dest: 1, sync: true }));
  const err: Logger = pino(options, pino.destination({ dest: 2, sync: true }));
  return {
    format: 'json',
    info: (message, fields = {}) => out.info(fields, message),
    notice: (message, fields = {}) => err.info(fields, message),
    warn: (message, fields = {}) => err.warn(fields, message),
    error: (message, fields = {}) => err.error(fields, message),
  };
}

/**
 * parseLogFormat reads `LOG_FORMAT`: `text` (also when unset or empty) or `json`.
 *
 * @throws RangeError naming the variable and the value received for anything else.
 */
export function parseLogFormat(text: string | undefined): LogFormat {
  const value = text?.trim() ?? '';
  if (value === '' || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw new RangeError(`Expected \`LOG_FORMAT\` to be \`text\` or \`json\`, got ${JSON.stringify(text)}`);
}

/** logFor makes the Log of a format. */
export function logFor(format: LogFormat): Log {
  return format === 'json' ? jsonLog() : textLog;
}
