// Go's rule for main holds with threads: once main returns, the program
// exits 0, whatever is parked on the threads.
import { Channel } from '@gochan/channel';
import { main } from '@gochan/testing';
import { go } from '@gochan/threads';

main(async () => {
  const ready = new Channel();
  void go(new URL('./goroutines/park-labelled.mjs', import.meta.url), ready);
  console.log((await ready.recv())[0]);
});
