// A parked send that the program ignores, then a close: the rejection is
// unhandled, and Node must still say so under the watcher.
import { Channel } from '@gochan/channel';
import { watchDeadlocks } from '@gochan/testing';

watchDeadlocks();
const ch = new Channel();
void ch.send(1);
setTimeout(() => ch.close(), 5);
