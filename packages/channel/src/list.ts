/**
 * ListNode is a node of a {@link WaiterList}: its neighbours and the list that
 * holds it (null once unlinked), fields of the node itself, so that linking
 * allocates nothing.
 */
export interface ListNode<N> {
  /** The next newer node; null at the tail and once unlinked. */
  next: N | null;
  /** The next older node; null at the head and once unlinked. */
  prev: N | null;
  /** The list that holds it (a node's own type may name its list's subclass). */
  list: object | null;
}

/**
 * WaiterList is the FIFO of parked waiters of a primitive without a channel
 * (`sync.Cond`'s notifyList, `semaphore.Weighted`'s waiters): an intrusive
 * doubly linked list, so that enqueue, dequeue and withdrawal (an abort) are
 * O(1), as Go's sudog lists are. A building block of the gochan packages,
 * exported for them; a program has no use for it.
 */
export class WaiterList<N extends ListNode<N>> {
  /** The oldest waiter, first to be served; null when none waits. */
  head: N | null = null;
  /** The newest waiter; null when none waits. */
  tail: N | null = null;

  /** Appends `node`, the newest waiter. */
  push(node: N): void {
    node.list = this;
    node.prev = this.tail;
    if (this.tail === null) this.head = node;
    else this.tail.next = node;
    this.tail = node;
  }

  /** Unlinks `node`, wherever it is in the list. */
  remove(node: N): void {
    const { prev, next } = node;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    node.next = node.prev = null;
    node.list = null;
  }
}
