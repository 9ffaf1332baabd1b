// What a WebSocket close means for the page: after a final close the page stops and says why (the
// same link cannot work again); after any other close it reconnects, at once when the server is
// only restarting, otherwise with backoff. The codes themselves are in wire.js.
import { CLOSE, FINAL_CLOSE_CODES } from './wire.js';

const FINAL_MESSAGES = Object.freeze({
  [CLOSE.PROTOCOL_ERROR]: 'The server could not follow what this browser sent. Reload the page to try again.',
  [CLOSE.BINARY_NOT_ACCEPTED]: 'The server refused a message from this page. Reload the page to try again.',
  [CLOSE.INVALID_TEXT]: 'This page sent the server text it could not read. Reload the page to try again.',
  [CLOSE.MESSAGE_TOO_BIG]: 'A message was too large for the server. Reload the page to try again.',
  [CLOSE.INVALID_LINK]: 'This link is not valid: it is missing a part. Ask for a new link.',
  [CLOSE.INVALID_TOKEN]: 'This link is not valid. Ask the person who sent it for a new one.',
  [CLOSE.TOKEN_EXPIRED]: 'This link has expired. Ask for a new one.',
  [CLOSE.CALL_FULL]: 'This call is full: it already has everyone it was made for. Ask for a link of your own.',
  [CLOSE.REPLACED]: 'You opened this call in another tab or device; it continues there.',
});

/**
 * @param {number} code the WebSocket close code
 * @returns {{final: true, message: string} | {final: false, reconnect: 'now'|'backoff'}}
 */
export function closeOutcome(code) {
  if (FINAL_CLOSE_CODES.has(code)) {
    return { final: true, message: FINAL_MESSAGES[code] ?? `The call ended (${code}).` };
  }
  return { final: false, reconnect: code === CLOSE.SERVICE_RESTART ? 'now' : 'backoff' };
}
