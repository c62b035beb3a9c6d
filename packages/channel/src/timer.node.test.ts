// In Node: a stopped Timer or Ticker, and after(Infinity), keep nothing that
// holds the process open. Real timers, read through Node's own accounting.
import process from 'node:process';
import { describe, expect, it } from 'vitest';
import { after } from './after.js';
import { Ticker } from './ticker.js';
import { Timer } from './timer.js';

const timeouts = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('timers and the Node process', () => {
  it('a running Ticker holds one timer, as setInterval would; stopped, none', () => {
    const before = timeouts();
    const ticker = new Ticker(60_000);
    expect(timeouts()).toBe(before + 1);
    ticker.stop();
    expect(timeouts()).toBe(before);
  });

  it('all pending alarms share one timer (the heap\'s), held while any is pending and dropped with the last', () => {
    const before = timeouts();
    const tickers = [new Ticker(60_000), new Ticker(30_000), new Ticker(90_000)];
    const timer = new Timer(10_000);
    expect(timeouts()).toBe(before + 1);
    timer.stop();
    tickers[1]?.stop();
    expect(timeouts()).toBe(before + 1);
    tickers[0]?.stop();
    tickers[2]?.stop();
    expect(timeouts()).toBe(before);
  });

  it('a stopped Timer holds none; after(Infinity) and new Timer(Infinity) never armed one', () => {
    const before = timeouts();
    const timer = new Timer(60_000);
    expect(timeouts()).toBe(before + 1);
    timer.stop();
    after(Infinity);
    new Timer(Infinity);
    new Ticker(Infinity);
    expect(timeouts()).toBe(before);
  });
});
