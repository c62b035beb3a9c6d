// A goroutine that makes a channel on its thread, labels it there, and
// returns it: the channel lives on that thread, which has no goroutine left.
import { Channel } from '@gochan/channel';
import { label } from '@gochan/testing';

export default function makeChannel(name, capacity) {
  return label(new Channel(capacity), name);
}
