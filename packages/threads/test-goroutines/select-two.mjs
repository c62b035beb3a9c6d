import { recv, select } from '@gochan/channel';

// Runs `rounds` selects over receives from `a` and `b`, and returns which case ran each time with its value.
export default async function selectTwo(a, b, rounds) {
  const ran = [];
  for (let i = 0; i < rounds; i++) {
    const [index, value] = await select([recv(a), recv(b)]);
    ran.push([index, value]);
  }
  return ran;
}
