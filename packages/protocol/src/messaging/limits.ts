/** Limits shared by server and clients, so a client can refuse early with the same numbers. */
export const MessagingLimits = {
  /** Whole JSON request body. */
  maxRequestBodyBytes: 512 * 1024,
  /** One message part body (UTF-8 bytes). */
  maxPartBodyBytes: 64 * 1024,
  /** All parts of one message together. */
  maxMessageBytes: 256 * 1024,
  maxPartsPerMessage: 20,
  maxParticipantsPerRequest: 100,
  /** retransmitEvents never returns more than this many events in one page. */
  retransmitPageSize: 500,
  /** History (messages before a seq) page size cap. */
  historyPageSize: 100,
  /** A gap larger than this is better served by starting from the latest page. */
  replayRecommendedMaxGap: 5000,
  maxTitleLength: 200,
  maxCustomDataBytes: 16 * 1024,
} as const;
