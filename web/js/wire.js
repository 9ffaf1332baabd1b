// The wire vocabulary the page shares with the server: message types, error codes, WebSocket
// close codes and the subprotocol that carries the invite token. The server's definitions are in contract/src/main/java/dev/videocall/contract/protocol/;
// a test there (WireVocabularyTest) reads this file and fails when the two disagree, so change both.

export const TYPE = Object.freeze({
  OFFER: 'offer',
  ANSWER: 'answer',
  CANDIDATE: 'candidate',
  BYE: 'bye',
  WELCOME: 'welcome',
  PEER_JOINED: 'peer-joined',
  PEER_LEFT: 'peer-left',
  ERROR: 'error',
});

export const LEAVE_REASON = Object.freeze({
  HANGUP: 'hangup',
  DISCONNECTED: 'disconnected',
  TIMEOUT: 'timeout',
});

export const ROLE = Object.freeze({
  OFFERER: 'offerer',
  ANSWERER: 'answerer',
});

export const ERROR = Object.freeze({
  BAD_JSON: 'bad-json',
  UNKNOWN_TYPE: 'unknown-type',
  BAD_MESSAGE: 'bad-message',
  TOO_LARGE: 'too-large',
  NOT_JOINED: 'not-joined',
  PEER_ABSENT: 'peer-absent',
  RATE_LIMITED: 'rate-limited',
  INVALID_LINK: 'invalid-link',
  INVALID_TOKEN: 'invalid-token',
  TOKEN_EXPIRED: 'token-expired',
  CALL_FULL: 'call-full',
  REPLACED: 'replaced',
});

export const CLOSE = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  BINARY_NOT_ACCEPTED: 1003,
  INVALID_TEXT: 1007,
  MESSAGE_TOO_BIG: 1009,
  SERVER_ERROR: 1011,
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  INVALID_LINK: 4000,
  INVALID_TOKEN: 4001,
  TOKEN_EXPIRED: 4002,
  CALL_FULL: 4003,
  REPLACED: 4004,
  RATE_LIMITED: 4008,
  // Sent by the page, never by the server: the call goes on peer to peer and the socket is closed
  // until the page needs the server again (docs/protocol.md, "Parking").
  PARKED: 4100,
});

// Closes after which reconnecting with the same link cannot help: the page stops and explains.
export const FINAL_CLOSE_CODES = new Set([
  CLOSE.PROTOCOL_ERROR,
  CLOSE.BINARY_NOT_ACCEPTED,
  CLOSE.INVALID_TEXT,
  CLOSE.MESSAGE_TOO_BIG,
  CLOSE.INVALID_LINK,
  CLOSE.INVALID_TOKEN,
  CLOSE.TOKEN_EXPIRED,
  CLOSE.CALL_FULL,
  CLOSE.REPLACED,
]);

// The WebSocket's subprotocols: the page offers NAME and TOKEN_PREFIX + its token, so the token
// travels in Sec-WebSocket-Protocol rather than in the URL that request logs record; the server
// selects NAME (contract/.../invite/PresentedToken.java; docs/protocol.md).
export const SUBPROTOCOL = Object.freeze({
  NAME: 'videocall.v1',
  TOKEN_PREFIX: 'token.',
});
