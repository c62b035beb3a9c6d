/*
 * `node --import @gochan/testing/watch main.js`: the deadlock detector for a
 * program that does not call watchDeadlocks() itself, as a Go program gets
 * its runtime's detector without asking. GOCHAN_DEADLOCK and
 * GOCHAN_TRACEBACK apply as they do to watchDeadlocks().
 */
import { watchDeadlocks } from './watch.js';

watchDeadlocks();
