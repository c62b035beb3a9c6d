// Receives from `input` until it is closed and drained; returns what it got, and the last receive's ok.
export default async function drain(input) {
  const got = [];
  for await (const v of input) got.push(v);
  const [after, ok] = await input.recv();
  return { got, after, ok };
}
