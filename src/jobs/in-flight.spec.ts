import { InFlight } from './in-flight.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('InFlight', () => {
  it('runs at most `limit` pieces of work at once and waits for all of them', async () => {
    const flight = new InFlight(2);
    let running = 0;
    let most = 0;
    let done = 0;
    const work = async () => {
      running++;
      most = Math.max(most, running);
      await tick();
      await tick();
      running--;
      done++;
    };
    for (let i = 0; i < 7; i++) {
      await flight.add(work);
    }
    await flight.drain();
    expect({ most, done, running }).toEqual({ most: 2, done: 7, running: 0 });
  });

  it('throws the first failure from the next add or from drain, after the running work ends', async () => {
    const flight = new InFlight(2);
    let finished = false;
    await flight.add(async () => {
      await tick();
      throw new Error('first');
    });
    await flight.add(async () => {
      await tick();
      await tick();
      finished = true;
    });
    await expect(flight.add(async () => undefined)).rejects.toThrow('first');
    await expect(flight.drain()).rejects.toThrow('first');
    expect(finished).toBe(true);
  });
});
