/** The longest side of an inline image, in CSS pixels (the thumbnail's size). */
export const INLINE_IMAGE_MAX_EDGE = 320;

/**
 * The box an inline image occupies, known before it loads (from the dimensions the server measured), so
 * the message list does not jump when it arrives. Never enlarged.
 */
export function inlineImageBox(
  width: number | undefined,
  height: number | undefined,
  maxEdge = INLINE_IMAGE_MAX_EDGE,
): { width: number; height: number } {
  if (!width || !height || width <= 0 || height <= 0)
    return { width: maxEdge, height: Math.round(maxEdge * 0.75) };
  const scale = Math.min(1, maxEdge / width, maxEdge / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
