// What the page says about the call, worked out from facts alone each time one changes, so the status
// can never disagree with the connection: a connection that is not "connected" never reads
// "Connected". Pure (unit-tested in e2e/call-view.test.mjs); ui.js shows the result.
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

/** @param {Facts} f @param {string} peer the peer's name @returns {View} */
export function callView(f, peer) {
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
    return view('peer-left', `${peer} left the call.`, 'The call is over. Reload this page to call again.');
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
