// A goroutine that says it is ready, then parks for ever on a channel of its own.
import { Channel } from '@gochan/channel';
import { label } from '@gochan/testing';

export default async function parkLabelled(ready) {
  const mine = label(new Channel(), 'mine');
  await ready.send('ready');
  await mine.recv();
}
