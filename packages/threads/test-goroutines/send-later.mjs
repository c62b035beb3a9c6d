import { Channel } from '@gochan/channel';

// Returns a channel of its own thread, and sends `value` on it from a timer
// `ms` later: after the goroutine has returned, only the timer is left there.
export default function sendLater(ms, value) {
  const channel = new Channel();
  setTimeout(() => void channel.send(value), ms);
  return channel;
}
