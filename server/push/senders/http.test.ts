import { expect, it } from 'vitest';
import { mapLimited } from './http.ts';

it('mapLimited settles every item when one throws: the others run to the end and keep their results', async () => {
  const started: string[] = [];
  const results = await mapLimited(
    ['a', 'b', 'c', 'd', 'e'],
    2,
    async (item) => {
      started.push(item);
      // The first item fails while the second is still in flight, and three are still to start.
      if (item === 'a') throw new Error(`no ${item}`);
      await Promise.resolve();
      return item.toUpperCase();
    },
    (error) => `thrown: ${(error as Error).message}`,
  );
  expect(results).toEqual(['thrown: no a', 'B', 'C', 'D', 'E']);
  expect(started.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
});
