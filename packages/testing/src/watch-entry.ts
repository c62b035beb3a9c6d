/*
 * `node --import @gochan/testing/watch main.js`: the deadlock detector for a
 * program that does not call watchDeadlocks() itself, as a Go program gets
 * its runtime's detector without asking. GOCHAN_DEADLOCK and
 * GOCHAN_TRACEBACK apply as they do to watchDeadlocks().
 *
 * Only on the main thread: the threads of a @gochan/threads pool inherit
 * the process's --import, and are watched through the main thread's watcher
 * (each loads its thread entry), not by one of their own.
 */
import { isMainThread } from 'node:worker_threads';
import { watchDeadlocks } from './watch.js';

if (isMainThread) watchDeadlocks();
