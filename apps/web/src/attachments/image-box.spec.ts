import { describe, expect, it } from 'vitest';
import { INLINE_IMAGE_MAX_EDGE, inlineImageBox } from './image-box';

describe('the box of an inline image', () => {
  it('scales the longer side down to the limit and keeps the shape', () => {
    expect(inlineImageBox(640, 480)).toEqual({ width: 320, height: 240 });
    expect(inlineImageBox(300, 1200)).toEqual({ width: 80, height: 320 });
  });

  it('never enlarges a small image', () => {
    expect(inlineImageBox(40, 30)).toEqual({ width: 40, height: 30 });
  });

  it('a very long image keeps at least one pixel on its short side', () => {
    expect(inlineImageBox(100_000, 10)).toEqual({ width: INLINE_IMAGE_MAX_EDGE, height: 1 });
  });

  it('without dimensions it reserves a 4:3 box of the largest size', () => {
    expect(inlineImageBox(undefined, undefined)).toEqual({ width: 320, height: 240 });
    expect(inlineImageBox(0, 10)).toEqual({ width: 320, height: 240 });
  });
});
