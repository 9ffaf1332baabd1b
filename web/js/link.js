// The invite link: who this page is for, who the others are (one peerID each, in the call's order: one
// for a call of two, up to three), and the token, and how the token reaches
// the server without being in a URL. Links carry the token in the fragment (#token=…), which a
// browser never sends to a server; links made before that carry it in the query (?token=…), which
// request logs record, so the page moves it into the fragment of its own address. The WebSocket gets
// it as a subprotocol, never in its URL. Pure (no DOM): e2e/link.test.mjs. See docs/security.md.
import { SUBPROTOCOL } from './wire.js';

/** RFC 7230 token characters, all a subprotocol may contain (real tokens are base64url and dots). */
const TOKEN_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** The server's rule for userID and peerID (contract/…/invite/UserIds): ASCII only, no look-alikes. */
const PLAIN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * @typedef {{userId: string|null, peerId: string|null, peerIds: string[], token: string|null,
 *            conflict: boolean, cleanHref: string|null}} Link
 * peerId is the first of peerIds (the peer of a call of two).
 * cleanHref is the address to show instead of href (the query's token moved into the fragment), or
 * null when href has no token in its query. conflict: the query and the fragment hold different tokens.
 */

/** @param {string} href the page's address @returns {Link} */
export function readLink(href) {
  const url = new URL(href);
  const fragment = new URLSearchParams(url.hash.slice(1));
  const userId = url.searchParams.get('userID');
  const peerIds = url.searchParams.getAll('peerID');
  const inFragment = fragment.get('token');
  const inQuery = url.searchParams.get('token');
  const conflict = inFragment !== null && inQuery !== null && inFragment !== inQuery;
  let cleanHref = null;
  if (inQuery !== null) {
    url.searchParams.delete('token');
    if (inFragment === null) {
      const rest = url.hash.slice(1);
      url.hash = `token=${encodeURIComponent(inQuery)}${rest ? `&${rest}` : ''}`;
    }
    cleanHref = url.href;
  }
  return { userId, peerId: peerIds[0] ?? null, peerIds, token: inFragment ?? inQuery, conflict, cleanHref };
}

/**
 * True when a userID or peerID is one the server accepts. Anything else (U+212A KELVIN SIGN for "k",
 * fullwidth letters) the server refuses with invalid-link, so the page neither shows it as a name nor
 * connects with it.
 */
export function isPlainId(id) {
  return typeof id === 'string' && PLAIN_ID.test(id);
}

/**
 * Whether a link's names can be a call: plain IDs, at least one peer, no name twice (the server
 * compares them case-insensitively). How many people a call may have is the server's to say: a link
 * naming too many gets call-full, which the page shows.
 */
export function validMembers(userId, peerIds) {
  const all = [userId, ...peerIds];
  if (peerIds.length < 1 || !all.every(isPlainId)) return false;
  return new Set(all.map((id) => id.toLowerCase())).size === all.length;
}

/** The WebSocket's URL: who joins, with whom, nothing secret (request logs record it). */
export function socketUrl(pageLocation, userId, peerIds) {
  const scheme = pageLocation.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = new URLSearchParams({ userID: userId });
  for (const peerId of [peerIds].flat()) query.append('peerID', peerId);
  return `${scheme}//${pageLocation.host}/video/connections?${query}`;
}

/**
 * The subprotocols to offer: the protocol, then the token, for `new WebSocket(url, protocols)`; the
 * server selects the first. Null when the token cannot be a subprotocol (a mangled link): the
 * WebSocket constructor would throw.
 */
export function socketProtocols(token) {
  return typeof token === 'string' && TOKEN_CHARS.test(token) ? [SUBPROTOCOL.NAME, SUBPROTOCOL.TOKEN_PREFIX + token] : null;
}
