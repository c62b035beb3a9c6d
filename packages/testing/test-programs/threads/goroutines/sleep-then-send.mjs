// A goroutine whose thread has only a timer pending, then sends.
export default async function sleepThenSend(results, ms) {
  await new Promise((resolve) => setTimeout(resolve, ms));
  await results.send('woke');
}
