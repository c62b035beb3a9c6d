// Go: func main() { ch := make(chan int); go func() { <-ch }(); <-ch }:
// main itself waits on a receive nobody will serve. A real deadlock while
// main still waits: main() reports it as the watcher does, exit status 2.
import { Channel } from '@gochan/channel';
import { label, main } from '@gochan/testing';

main(async () => {
  const ch = label(new Channel(), 'ch');
  void ch.recv();
  await ch.recv();
  console.log('unreachable');
});
