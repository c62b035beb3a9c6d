// A goroutine that receives values from `input` and sends each, doubled, on `output`, until `input` closes; returns how many.
export default async function echo(input, output) {
  let n = 0;
  for await (const v of input) {
    await output.send(v * 2);
    n++;
  }
  return n;
}
