// A goroutine that says it is ready, then selects on a channel of the main
// thread and one of its own, neither of which anyone sends on.
import { Channel, recv, select } from '@gochan/channel';
import { label } from '@gochan/testing';

export default async function selectTwoHomes(ready, theirs) {
  const mine = label(new Channel(1), 'mine');
  await ready.send('ready');
  await select([recv(theirs), recv(mine)]);
}
