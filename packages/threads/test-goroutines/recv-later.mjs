// Holds `ch` until `start` has a value, then receives one value from it and sends it on `out`.
export default async function recvLater(ch, start, out) {
  await start.recv();
  const [value] = await ch.recv();
  await out.send(value);
  return value;
}
