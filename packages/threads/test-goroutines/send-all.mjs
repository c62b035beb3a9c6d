// Sends `count` numbers from `start` on `output`, then returns; closes it if asked.
export default async function sendAll(output, start, count, closeAfter) {
  for (let i = 0; i < count; i++) await output.send(start + i);
  if (closeAfter) output.close();
  return count;
}
