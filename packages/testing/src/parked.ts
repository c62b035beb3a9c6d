import { WaiterList, type ParkReason } from '@gochan/channel';

/*
 * The parked operations a runtime knows of: Go's `allgs` filtered to the
 * goroutines in `_Gwaiting`, kept as an intrusive doubly linked list so that
 * parking and waking cost O(1) and no array ever grows or shifts.
 *
 * Invariant: an operation is in the list from the moment it parks until the
 * moment its own promise settles (a partner, a close, an abort); an
 * operation woken but not yet resumed by the scheduler is runnable, not
 * parked, and is no longer listed.
 */

/** One parked operation, as a goroutine dump shows it. */
export class ParkedOperation {
  /** Neighbours in the list; null at the ends and once removed. */
  next: ParkedOperation | null = null;
  prev: ParkedOperation | null = null;
  /** The list it is in; null once removed. */
  list: ParkedList | null = null;

  constructor(
    /** A number, counted from 1 in the order operations parked: the "goroutine N" of the report. */
    readonly id: number,
    /** What it waits for, in Go's words. */
    readonly reason: ParkReason,
    /** What it waits on: a channel, a select's cases, a WaitGroup, a semaphore. */
    readonly on: unknown,
    /** The stack where it parked, when stacks are captured. */
    readonly stack: string | undefined,
  ) {}
}

/** ParkedList is the set of parked operations, oldest first (channel's WaiterList, counted). */
export class ParkedList extends WaiterList<ParkedOperation> {
  /** How many are parked. */
  size = 0;
  /** The id the next operation gets. */
  private nextId = 1;

  /** Lists a newly parked operation and returns it. */
  add(reason: ParkReason, on: unknown, stack: string | undefined): ParkedOperation {
    const op = new ParkedOperation(this.nextId++, reason, on, stack);
    this.push(op);
    this.size++;
    return op;
  }

  /** Unlists an operation whose promise has settled; a no-op if it already left. */
  override remove(op: ParkedOperation): void {
    if (op.list === null) return;
    super.remove(op);
    this.size--;
  }

  /** The parked operations, oldest first (a copy: reporting changes nothing). */
  toArray(): ParkedOperation[] {
    const out: ParkedOperation[] = [];
    for (let op = this.head; op !== null; op = op.next) out.push(op);
    return out;
  }
}
