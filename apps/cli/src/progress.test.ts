import { describe, expect, it } from 'vitest';
import { etaText } from './progress.ts';

describe('etaText', () => {
  it('says nothing it cannot know before the first row', () => {
    expect(etaText(0, 100, 0)).toBe('…');
  });
  it('counts down at the current rate', () => {
    expect(etaText(50, 100, 10)).toBe('5s');
    expect(etaText(0 + 1, 7_201, 2)).toBe('1h00m');
    expect(etaText(100, 100, 10)).toBe('0s');
  });
});
