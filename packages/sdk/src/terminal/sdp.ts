/** Small SDP reads the terminal needs; it never rewrites SDP (the core relays it untouched). */

/** Whether the description offers or carries a video section. */
export function sdpHasVideo(sdp: string | undefined): boolean {
  return !!sdp && /^m=video /m.test(sdp);
}

/**
 * The DTLS fingerprint of the endpoint that wrote the description (session or first media level). A new
 * fingerprint in a mid-call offer means another endpoint took over the far end (the remote party pulled
 * the call to another device), which needs a fresh RTCPeerConnection rather than a renegotiation.
 */
export function sdpFingerprint(sdp: string | undefined): string | undefined {
  const match = sdp ? /^a=fingerprint:\s*(\S+\s+\S+)\s*$/m.exec(sdp) : null;
  return match?.[1]?.toLowerCase();
}

/** The ICE candidates a complete (non-trickle) description carries. */
export function sdpCandidateCount(sdp: string | undefined): number {
  return sdp ? (sdp.match(/^a=candidate:/gm) ?? []).length : 0;
}
