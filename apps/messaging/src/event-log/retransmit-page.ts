export interface RetransmitPagePlan {
  fromSeq: number;
  toSeq: number;
  /** Start of the next page, or null once the requested (or existing) range is covered. */
  nextFromSeq: number | null;
  empty: boolean;
}

/**
 * Caps a requested range to one page: ranges past the end of the log are clamped to `lastSeq`, and a
 * wide range returns its first page plus where to continue.
 */
export function planRetransmitPage(input: {
  lastSeq: number;
  fromSeq: number;
  toSeq?: number;
  pageSize: number;
}): RetransmitPagePlan {
  const { lastSeq, fromSeq, pageSize } = input;
  const wantedTo = Math.min(input.toSeq ?? lastSeq, lastSeq);
  if (fromSeq > wantedTo) return { fromSeq, toSeq: fromSeq - 1, nextFromSeq: null, empty: true };
  const toSeq = Math.min(wantedTo, fromSeq + pageSize - 1);
  return { fromSeq, toSeq, nextFromSeq: toSeq < wantedTo ? toSeq + 1 : null, empty: false };
}
