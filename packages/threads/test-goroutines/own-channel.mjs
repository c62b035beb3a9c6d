import { Channel } from '@gochan/channel';

// Makes a channel on this thread, hands it out over `out`, then sends `count` values on it and closes it.
export default async function ownChannel(out, count, capacity) {
  const mine = new Channel(capacity);
  await out.send(mine);
  for (let i = 0; i < count; i++) await mine.send(i);
  mine.close();
  return 'done';
}
