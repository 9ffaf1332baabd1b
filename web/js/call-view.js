// What the page says about the call, worked out from facts alone each time one changes, so the status
// can never disagree with the connections: a connection that is not "connected" never reads
// "Connected". Each pair has its view (callView: what its tile shows, and the whole page's status in a
// call of two); meshView puts them together for the page. Pure (unit-tested in
// e2e/call-view.test.mjs); ui.js and tiles.js show the result.
import { LEAVE_REASON } from './wire.js';

/**
 * @typedef {{
 *   over: {state: 'ended'|'error', message: string, code?: string|number}|null,
 *   welcomed: boolean,        // a welcome arrived on some socket
 *   signalingUp: boolean,     // the current socket is open and welcomed
 *   parked: boolean,          // this page closed its socket on purpose (parking.js), or is reopening it
 *   peerPresent: boolean,     // the peer holds a socket (as far as this page knows)
 *   peerParked: boolean,      // the peer is in the call with its socket parked
 *   peerLeft: 'hangup'|'disconnected'|null, // why the peer is gone, when they are (after a hang-up
 *                             // this page has left the call too)
 *   connection: RTCPeerConnectionState|null, // of the current RTCPeerConnection, if there is one
 *   wasConnected: boolean,    // media flowed with this peer since they (re)joined
 *   info: string|null,        // a notice unrelated to recovery (camera blocked, rate-limited)
 * }} Facts
 * @typedef {{state: string, status: string, notice: string|null, recovering: 'signaling'|'media'|null,
 *            code?: string|number}} View
 */

/**
 * @param {Facts} f the page's facts and one pair's @param {string} peer the peer's name
 * @param {{group?: boolean}} [options] group: a call of three or four, where a hang-up ends the call
 *   only for the one who hung up
 * @returns {View}
 */
export function callView(f, peer, { group = false } = {}) {
  const view = (state, status, notice = null, recovering = null) => ({ state, status, notice: notice ?? f.info, recovering });
  if (f.over) return { state: f.over.state, status: f.over.message, notice: null, recovering: null, code: f.over.code };
  if (f.connection === 'connected') {
    // Parked sockets are the normal state of a call: only an unplanned drop is "reconnecting".
    if (!f.signalingUp && !f.parked) return view('connected', `Connected with ${peer}`, 'Reconnecting to the server… the call continues.', 'signaling');
    if (f.signalingUp && !f.peerPresent && !f.peerParked) {
      return view('connected', `Connected with ${peer}`, `${peer}'s connection is unstable; the call continues while it recovers.`);
    }
    return view('connected', `Connected with ${peer}`);
  }
  if (!f.peerPresent && f.peerLeft === LEAVE_REASON.HANGUP) {
    return view('peer-left', `${peer} left the call.`, group ? null : 'The call is over. Reload this page to call again.');
  }
  if (!f.signalingUp && !f.parked) return view('connecting', f.welcomed ? 'Reconnecting…' : 'Connecting…');
  if (!f.peerPresent) {
    if (f.peerLeft) return view('peer-left', `${peer} was disconnected.`);
    if (f.peerParked && f.wasConnected) return view('reconnecting', `Reconnecting to ${peer}…`, `Waiting for ${peer} to come back…`, 'media');
    if (f.peerParked) return view('waiting', `Waiting for ${peer} to come back…`);
    return view('waiting', `Waiting for ${peer} to join…`);
  }
  if (f.wasConnected) return view('reconnecting', `Reconnecting to ${peer}…`, 'The connection dropped; trying to recover…', 'media');
  return view('negotiating', `${peer} is here. Connecting…`);
}

/**
 * @typedef {View & {peers: (View & {peer: string, name: string})[]}} MeshView the page's view, and each
 *   pair's (for its tile), in the order of names
 */

const AND = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });

/** The facts callView reads for one pair: the page's and the pair's own; a pair not known yet has none. */
function pairFacts(facts, peer) {
  const own = facts.peers[peer]?.view ?? { peerPresent: false, peerParked: false, peerLeft: null, connection: null, wasConnected: false };
  return { ...facts.view, ...own };
}

/**
 * The whole page's view: in a call of two, exactly its one pair's; in a call of three or four, who is
 * connected, with what the others are doing as the notice.
 * @param {{view: object, peers: object}} facts the session's facts (session-facts.js)
 * @param {Map<string, string>} names how to show each other member, by peer ID, in the link's order
 * @returns {MeshView}
 */
export function meshView(facts, names) {
  const all = new Map(names);
  for (const id of Object.keys(facts.peers)) if (!all.has(id)) all.set(id, id);
  const group = all.size > 1;
  const peers = [...all].map(([peer, name]) => ({ peer, name, ...callView(pairFacts(facts, peer), name, { group }) }));
  if (!peers.length) return { ...callView(pairFacts(facts, null), 'your peer'), peers }; // a link without peers
  if (!group) return { ...withoutNames(peers[0]), peers };
  return { ...groupView(facts.view, peers), peers };
}

function withoutNames({ peer, name, ...view }) {
  return view;
}

const ORDER = ['connected', 'reconnecting', 'negotiating', 'waiting', 'peer-left', 'connecting'];

/** What several pairs in one state say together; null: each says its own (or, connecting, the page does). */
function together(state, vs) {
  const names = AND.format(vs.map((v) => v.name));
  switch (state) {
    case 'connected': return `Connected with ${names}`;
    case 'reconnecting': return `Reconnecting to ${names}…`;
    case 'negotiating': return `${names} ${vs.length > 1 ? 'are' : 'is'} here. Connecting…`;
    case 'waiting': {
      // Members not there yet, and members in the call with their socket parked (not connected to us).
      const toJoin = vs.filter((v) => v.status.endsWith(' to join…'));
      const back = vs.filter((v) => !toJoin.includes(v));
      return [[back, 'come back'], [toJoin, 'join']].filter(([some]) => some.length)
        .map(([some, what]) => `Waiting for ${AND.format(some.map((v) => v.name))} to ${what}…`).join(' ');
    }
    default: return null;
  }
}

/** What a call of three or four reads as, from the pairs' views: the best state leads, the rest is the notice. */
function groupView(f, views) {
  if (f.over) return { state: f.over.state, status: f.over.message, notice: null, recovering: null, code: f.over.code };
  const recovering = views.find((v) => v.recovering === 'signaling')?.recovering ?? views.find((v) => v.recovering)?.recovering ?? null;
  const byState = ORDER.map((state) => [state, views.filter((v) => v.state === state)]).filter(([, vs]) => vs.length);
  const [[state, first], ...rest] = byState;
  let status = together(state, first) ?? first[0].status;
  if (state === 'peer-left') status = 'Everyone else has left the call.';
  const said = [f.info, ...first.map((v) => v.notice)];
  if (state === 'peer-left') said.push(...first.map((v) => v.status));
  for (const [other, vs] of rest) {
    if (other === 'connecting') continue; // the signaling notice of the connected pairs says it
    said.push(together(other, vs) ?? vs.map((v) => v.status).join(' '));
  }
  const notice = [...new Set(said.filter(Boolean))].join(' ') || null;
  return { state, status, notice, recovering };
}
