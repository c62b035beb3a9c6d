// A goroutine that computes without awaiting (its thread runs JavaScript,
// with nothing pending), then sends the result.
export default async function computeThenSend(results, rounds) {
  let h = 2166136261;
  for (let i = 0; i < rounds; i++) h = Math.imul(h ^ i, 16777619) >>> 0;
  await results.send(h);
}
