// Ping-pong's other end: receives a ball on `ping` and sends it back on `pong`, `rounds` times.
export default async function pong(ping, pong, rounds) {
  for (let i = 0; i < rounds; i++) {
    const [ball] = await ping.recv();
    await pong.send(ball + 1);
  }
}
