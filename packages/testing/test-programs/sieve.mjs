// Go: the concurrent prime sieve (go.dev's doc/play/sieve.go): a generator
// and a chain of filters, one goroutine each. main prints the first 50
// primes and returns, leaving 51 goroutines parked on their sends and
// receives; Go exits 0 and prints nothing more. Under main(), so must we.
import { Channel } from '@gochan/channel';
import { main } from '@gochan/testing';

async function generate(ch) {
  for (let i = 2; ; i++) await ch.send(i);
}

async function filter(input, output, prime) {
  for (;;) {
    const [i] = await input.recv();
    if (i % prime !== 0) await output.send(i);
  }
}

main(async () => {
  let ch = new Channel();
  void generate(ch);
  const primes = [];
  for (let i = 0; i < 50; i++) {
    const [prime] = await ch.recv();
    primes.push(prime);
    const ch1 = new Channel();
    void filter(ch, ch1, prime);
    ch = ch1;
  }
  console.log(primes.join(' '));
});
