// A goroutine that receives from a channel of its own thread nobody sends
// to, and only then would send on `results`.
import { Channel } from '@gochan/channel';
import { label } from '@gochan/testing';

export default async function waitThenSend(results) {
  const never = label(new Channel(), 'never');
  await never.recv();
  await results.send(1);
}
