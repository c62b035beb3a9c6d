import { Channel } from '@gochan/channel';

// Returns a new channel of its own thread, and leaves nothing to run there.
export default function makeChannel() {
  return new Channel();
}
