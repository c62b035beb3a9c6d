// Waits for a value on `gate`, then receives one value from `input` and returns it.
export default async function receiveAfter(gate, input) {
  await gate.recv();
  const [value, ok] = await input.recv();
  return { value, ok };
}
