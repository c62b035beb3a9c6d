// Go: func main() { ch := make(chan int); <-ch }, with the detector loaded
// from the command line (node --import @gochan/testing/watch) instead of a
// watchDeadlocks() call in the program.
import { Channel } from '@gochan/channel';

const ch = new Channel();
await ch.recv();
console.log('unreachable');
