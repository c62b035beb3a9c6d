import { Channel } from '@gochan/channel';

// Makes a channel on this thread, hands it out over `out`, and keeps it (and its thread) until `release` has a value or closes.
export default async function holdChannel(out, release) {
  await out.send(new Channel());
  await release.recv();
  return 'released';
}
