// Go: a ping-pong whose main stops reading. The player keeps hitting the
// ball back; main takes ten returns, then returns itself, leaving the
// player parked on its send; Go exits 0. Under main(), so must we.
import { Channel } from '@gochan/channel';
import { main } from '@gochan/testing';

async function player(table) {
  for (;;) {
    const [ball] = await table.recv();
    ball.hits++;
    await table.send(ball);
  }
}

main(async () => {
  const table = new Channel();
  void player(table);
  let ball = { hits: 0 };
  for (let i = 0; i < 10; i++) {
    await table.send(ball);
    [ball] = await table.recv();
  }
  const hits = ball.hits;
  await table.send(ball); // the player has it, and waits for a partner that never comes back
  console.log('hits', hits);
});
