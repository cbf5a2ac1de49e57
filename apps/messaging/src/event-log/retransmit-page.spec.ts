import { describe, expect, it } from 'vitest';
import { planRetransmitPage } from './retransmit-page.js';

describe('planRetransmitPage', () => {
  it('returns the whole range when it fits in one page', () => {
    expect(planRetransmitPage({ lastSeq: 10, fromSeq: 3, toSeq: 7, pageSize: 500 })).toEqual({
      fromSeq: 3,
      toSeq: 7,
      nextFromSeq: null,
      empty: false,
    });
  });

  it('caps a wide range to one page and says where to continue', () => {
    expect(planRetransmitPage({ lastSeq: 2000, fromSeq: 1, toSeq: 2000, pageSize: 500 })).toEqual({
      fromSeq: 1,
      toSeq: 500,
      nextFromSeq: 501,
      empty: false,
    });
  });

  it('clamps a range past the end of the log to lastSeq', () => {
    expect(planRetransmitPage({ lastSeq: 5, fromSeq: 4, toSeq: 100, pageSize: 500 })).toMatchObject({
      toSeq: 5,
      nextFromSeq: null,
    });
  });

  it('defaults toSeq to lastSeq', () => {
    expect(planRetransmitPage({ lastSeq: 1200, fromSeq: 1001, pageSize: 500 })).toMatchObject({
      toSeq: 1200,
      nextFromSeq: null,
    });
  });

  it('is empty when the device is already up to date', () => {
    expect(planRetransmitPage({ lastSeq: 5, fromSeq: 6, pageSize: 500 })).toEqual({
      fromSeq: 6,
      toSeq: 5,
      nextFromSeq: null,
      empty: true,
    });
  });
});
