/**
 * A browser-sized SDP (one Opus audio section with ICE candidates, about 1.3 KB), so the cost of carrying
 * and decoding a real offer or answer is in the figures. Nothing reads it; the core only forwards it.
 */
export function sampleSdp(role) {
  const setup = role === 'offer' ? 'actpass' : 'active';
  const fingerprint = Array.from({ length: 32 }, (_, i) =>
    ((i * 37 + 11) % 256).toString(16).padStart(2, '0'),
  )
    .join(':')
    .toUpperCase();
  return [
    'v=0',
    `o=- 46117317${role === 'offer' ? 1 : 2}9364 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS bench',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=candidate:1467250027 1 udp 2122260223 192.168.1.10 46243 typ host generation 0',
    'a=candidate:1467250027 2 udp 2122260222 192.168.1.10 47635 typ host generation 0',
    'a=candidate:435653019 1 tcp 1845501695 203.0.113.7 46243 typ srflx raddr 192.168.1.10 rport 46243',
    `a=ice-ufrag:${role === 'offer' ? 'Oyef' : 'Qx9b'}`,
    'a=ice-pwd:7Ei4eQx2Z9nrqR3ybMrcJd8H',
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${fingerprint}`,
    `a=setup:${setup}`,
    'a=mid:0',
    'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
    'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
    'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
    'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
    'a=sendrecv',
    'a=msid:bench 5a1c0e2f-9d2b-4c43-8f0a-3c4b2e6d7f81',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=rtcp-fb:111 transport-cc',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=rtpmap:63 red/48000/2',
    'a=fmtp:63 111/111',
    'a=rtpmap:9 G722/8000',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:13 CN/8000',
    'a=rtpmap:110 telephone-event/48000',
    'a=rtpmap:126 telephone-event/8000',
    `a=ssrc:${role === 'offer' ? 3735928559 : 4022250974} cname:benchcname`,
    '',
  ].join('\r\n');
}
