/**
 * WebRTC for support calls. The line takes complete (non-trickle) descriptions: each side gathers every ICE
 * candidate before its SDP is sent, since no candidates follow it.
 */

/** Longest wait for gathering; a slow STUN/TURN server then costs those candidates, not the call. */
export const ICE_GATHERING_TIMEOUT_MS = 5000;

export function iceGatheringComplete(
  pc: RTCPeerConnection,
  timeoutMs = ICE_GATHERING_TIMEOUT_MS,
): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onChange);
      resolve();
    };
    const onChange = () => {
      if (pc.iceGatheringState === 'complete') finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    pc.addEventListener('icegatheringstatechange', onChange);
  });
}

export interface SupportPeer {
  pc: RTCPeerConnection;
  local: MediaStream;
  remote: MediaStream;
}

/** A peer connection sending this device's microphone, collecting the far end's tracks into one stream. */
export async function openSupportPeer(iceServers: RTCIceServer[] | undefined): Promise<SupportPeer> {
  const local = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  const pc = new RTCPeerConnection(iceServers ? { iceServers } : {});
  const remote = new MediaStream();
  pc.addEventListener('track', (e) => {
    if (!remote.getTracks().includes(e.track)) remote.addTrack(e.track);
  });
  for (const track of local.getTracks()) pc.addTrack(track, local);
  return { pc, local, remote };
}

/** The complete offer, to send with `start`. */
export async function completeOffer(pc: RTCPeerConnection): Promise<string> {
  await pc.setLocalDescription(await pc.createOffer());
  await iceGatheringComplete(pc);
  return sdpOf(pc);
}

/** The complete answer to `offer`, to send with `accept`. */
export async function completeAnswer(pc: RTCPeerConnection, offer: string): Promise<string> {
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  await pc.setLocalDescription(await pc.createAnswer());
  await iceGatheringComplete(pc);
  return sdpOf(pc);
}

function sdpOf(pc: RTCPeerConnection): string {
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new Error('No local description to send');
  return sdp;
}

export function closeSupportPeer(peer: SupportPeer | undefined): void {
  if (!peer) return;
  for (const track of peer.local.getTracks()) track.stop();
  peer.pc.close();
}

/** What the support desk needs of WebRTC; the browser's by default, a fake in unit tests. */
export interface SupportPeers {
  open(): Promise<SupportPeer>;
  offer(pc: RTCPeerConnection): Promise<string>;
  answer(pc: RTCPeerConnection, offer: string): Promise<string>;
  close(peer: SupportPeer | undefined): void;
}

/** The browser's WebRTC, with ICE servers fetched for each call. */
export function browserPeers(iceServers: () => Promise<RTCIceServer[] | undefined>): SupportPeers {
  return {
    open: async () => openSupportPeer(await iceServers()),
    offer: completeOffer,
    answer: completeAnswer,
    close: closeSupportPeer,
  };
}
