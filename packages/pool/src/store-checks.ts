import { describe } from '@gochan/channel';
import { MAX_JOB_ID_LENGTH } from './options.js';

/*
 * The checks every Store and the pool's feeder make of what crosses the
 * seam, in one place: a store refuses a bad job at add (it stores nothing of
 * it) and a bad `max` at claim, alike in every store; the feeder checks each
 * claimed job (whoever wrote it: this version, an older one, another
 * program) before the pool sees it, and sends one that is not a job to the
 * dead, with the reason these return.
 */

/** The largest time a JavaScript Date can hold, in ms since the epoch: a deadline past it is no time at all. */
const MAX_TIME = 8.64e15;

/**
 * checkNewStoredJob says what makes `job` unfit for {@link Store.add}, if
 * anything: it must be an object with a string `id`, a string `payload`,
 * and a `deadline` that is undefined or a finite number of milliseconds
 * since the epoch that a Date can hold (what a Go store gets from its types
 * and checks of `time.Time` before its INSERT).
 *
 * @returns a TypeError naming the field and the value received, or undefined for a good job.
 */
export function checkNewStoredJob(job: unknown): TypeError | undefined {
  if (typeof job !== 'object' || job === null) return new TypeError(`Expected a job object, got ${describe(job)}`);
  const { id, payload, deadline } = job as Record<string, unknown>;
  if (typeof id !== 'string') return new TypeError(`Expected the job's \`id\` to be a string, got ${describe(id)}`);
  if (typeof payload !== 'string') return new TypeError(`Expected the payload of job ${describe(id)} to be a string (encoded), got ${describe(payload)}`);
  const bad = deadlineProblem(deadline);
  if (bad !== undefined) return new TypeError(`Expected the deadline of job ${describe(id)} to be ${bad}`);
  return undefined;
}

/**
 * checkClaimMax says what makes `max` unfit for {@link Store.claim}: it must
 * be a positive safe integer (a Go `LIMIT n` with n > 0).
 * @returns a RangeError naming the value received, or undefined.
 */
export function checkClaimMax(max: unknown): RangeError | undefined {
  if (typeof max === 'number' && Number.isSafeInteger(max) && max >= 1) return undefined;
  return new RangeError(`Expected \`max\` to be a positive integer, got ${describe(max)}`);
}

/**
 * checkClaimedJob says why a job a store handed out cannot be run, if it
 * cannot: every field of a {@link ClaimedJob} is checked, as the pool needs
 * it (an id the pool would accept at submit, a string payload, a deadline
 * that is a time or none, a non-empty token, an attempt that is a positive
 * integer): what Go's `json.Unmarshal` into a struct with typed fields
 * would refuse, checked before the job reaches a worker.
 *
 * @returns the reason, for the dead job's error; undefined for a good job.
 */
export function checkClaimedJob(job: unknown): string | undefined {
  if (typeof job !== 'object' || job === null) return `the store handed out ${describe(job)}, not a job`;
  const { id, payload, deadline, token, attempt } = job as Record<string, unknown>;
  if (typeof id !== 'string') return `its id is ${describe(id)}, not a string`;
  if (id.length === 0 || id.length > MAX_JOB_ID_LENGTH) return `its id is ${id.length === 0 ? 'empty' : `${id.length} characters long`}, not 1 to ${MAX_JOB_ID_LENGTH}`;
  if (typeof payload !== 'string') return `its payload is ${describe(payload)}, not a string`;
  const bad = deadlineProblem(deadline);
  if (bad !== undefined) return `its deadline is not ${bad}`;
  if (typeof token !== 'string' || token === '') return `its claim's token is ${describe(token)}, not a non-empty string`;
  if (typeof attempt !== 'number' || !Number.isSafeInteger(attempt) || attempt < 1) return `its attempt is ${describe(attempt)}, not a positive integer`;
  return undefined;
}

/** What is wrong with a deadline, as the end of "Expected the deadline to be …", or undefined. */
function deadlineProblem(deadline: unknown): string | undefined {
  if (deadline === undefined) return undefined;
  if (typeof deadline === 'number' && Number.isFinite(deadline) && Math.abs(deadline) <= MAX_TIME) return undefined;
  return `undefined or a finite number of milliseconds since the epoch, got ${describe(deadline)}`;
}

/**
 * checkRetryAt says what makes `retryAt` unfit for {@link Store.fail}: it
 * must be undefined (dead) or a finite number of milliseconds since the
 * epoch that a Date can hold (Go: a valid `time.Time`).
 * @returns a TypeError naming the value received, or undefined.
 */
export function checkRetryAt(retryAt: unknown): TypeError | undefined {
  const bad = deadlineProblem(retryAt);
  return bad === undefined ? undefined : new TypeError(`Expected \`retryAt\` to be ${bad}`);
}
