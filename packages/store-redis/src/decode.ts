import type { ClaimedJob } from '@gochan/pool';

/*
 * Decoding what the claim script hands back into ClaimedJobs, faithfully:
 * a field that is missing stays undefined, a number that is not one (as
 * this store writes numbers: String(n)) becomes NaN. Nothing is checked
 * here: the pool's feeder checks every claimed job in one place
 * (checkClaimedJob) and sends a bad one to the dead with the reason, so a
 * bad entry from any writer is neither run nor fatal.
 */

/** A number as this store writes one (String(n)), else NaN: '', ' 1', '0x10', '1e3' from another writer are not numbers here. */
export function strictNumber(text: unknown): number {
  if (typeof text !== 'string') return Number.NaN;
  const n = Number(text);
  return String(n) === text ? n : Number.NaN;
}

/** A deadline field: '' or missing for none, else strictNumber. */
function deadlineOf(text: unknown): number | undefined {
  return text === undefined || text === null || text === '' ? undefined : strictNumber(text);
}

/** What a decoded job counts for the store's stats. */
export interface Decoded {
  readonly jobs: ClaimedJob[];
  /** Jobs that had run before (a retry, or a takeover). */
  readonly redelivered: number;
}

/**
 * decodeClaim reads the claim script's jobs: `taken` (six per job: entry,
 * deliveries, id, payload, deadline, failures; false, read as null, for a
 * missing id or payload) and `fresh` (XREADGROUP's entries: id and field
 * list).
 */
export function decodeClaim(taken: readonly (string | null)[], fresh: readonly [string, string[]][]): Decoded {
  const jobs: ClaimedJob[] = [];
  let redelivered = 0;
  for (let i = 0; i + 5 < taken.length; i += 6) {
    const failures = strictNumber(taken[i + 5]);
    const deliveries = String(taken[i + 1]);
    if (failures !== 0 || deliveries !== '1') redelivered++;
    jobs.push(job(taken[i + 2] ?? undefined, taken[i + 3] ?? undefined, deadlineOf(taken[i + 4]), `${taken[i]}/${deliveries}`, failures + 1));
  }
  for (const [entry, fields] of fresh) {
    // A new job's entry has id and payload, and deadline if it has one; a retried one all five fields.
    let id: string | undefined;
    let payload: string | undefined;
    let deadline: number | undefined;
    let failures = 0;
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const value = fields[i + 1]!;
      switch (fields[i]) {
        case 'id':
          id = value;
          break;
        case 'payload':
          payload = value;
          break;
        case 'deadline':
          deadline = deadlineOf(value);
          break;
        case 'failures':
          failures = strictNumber(value);
          break;
      }
    }
    if (failures !== 0) redelivered++;
    jobs.push(job(id, payload, deadline, `${entry}/1`, failures + 1));
  }
  return { jobs, redelivered };
}

/** A claimed job as read: the fields as they were, undefined where missing (the feeder's check says why such a job is dead). */
function job(id: string | undefined, payload: string | undefined, deadline: number | undefined, token: string, attempt: number): ClaimedJob {
  return { id, payload, deadline, token, attempt } as ClaimedJob;
}
