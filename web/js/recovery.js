// How a call gets out of trouble: the decisions only, no WebRTC objects, so they are unit-tested
// (e2e/recovery.test.mjs). session-connection.js applies them; session.js carries them out.
//
// 1. Each RTCPeerConnection has one leader: the side that made its first offer. Only the leader
//    offers on it again, ICE restarts included; the other side asks it to (PEER.RESTART_ICE on the
//    data channel). Why: DTLS roles are fixed by the first answer, but an answerer may pick its role
//    again in every answer — Firefox always answers a=setup:active — and Chromium refuses an answer
//    that switches its role ("Failed to set SSL role for the transport"). Answers from the first
//    answerer keep the roles it chose, so re-offers from the leader are always safe.
// 2. A negotiation that cannot complete is never left half done: a local offer that failed before
//    anything was sent is rolled back; anything else (an offer or answer from the peer that cannot
//    be applied, an answer we cannot make) is repaired by building a fresh RTCPeerConnection and
//    offering it as a new session (a new o= session id). The side that builds it leads it.
// 3. A new-session offer replaces the connection the receiver had. If both sides offered a fresh
//    connection at the same moment, the polite side yields (perfect negotiation's rule).
// 4. A connection that stays unwell (not connected, or a negotiation not finished) for
//    RECOVERY_TIMEOUT_MS while the peer is reachable is rebuilt, with growing waits.
// 5. An offer only helps if the server can relay it: the leader offers (restart or rebuild) only
//    while its socket is up and the peer is present; otherwise it first calls the peer back to
//    signaling (either side may be parked, parking.js) and acts once the server says the peer is there.

/** How long ICE may stay "disconnected" before a restart (it often recovers by itself). */
export const ICE_DISCONNECTED_GRACE_MS = 3000;
/** How long a connection may stay unwell before it is rebuilt. */
export const RECOVERY_TIMEOUT_MS = 10000;
const MAX_RECOVERY_WAIT_MS = 60000;

/** The session id of an SDP's o= line, or null. */
export function sdpSessionId(sdp) {
  const match = /^o=\S+ (\S+) /m.exec(sdp ?? '');
  return match ? match[1] : null;
}

/**
 * What to do with an offer from the peer.
 * @param {{offerSdp: string, remoteSdp: string|null|undefined, offering: boolean, polite: boolean}} c
 *   remoteSdp: the current connection's remote description; offering: it has an offer of ours
 *   outstanding (being made, or sent and not answered)
 * @returns {'answer'|'new-session'|'ignore'} answer on the current connection, replace it with a
 *   fresh one that answers, or ignore the offer (ours wins a collision)
 */
export function classifyOffer({ offerSdp, remoteSdp, offering, polite }) {
  const sameSession = Boolean(remoteSdp) && sdpSessionId(offerSdp) === sdpSessionId(remoteSdp);
  if (sameSession) return offering && !polite ? 'ignore' : 'answer';
  // Both sides offered a fresh connection at once: the impolite side's wins.
  if (!remoteSdp && offering && !polite) return 'ignore';
  return 'new-session';
}

/**
 * What to do when a step of a negotiation failed.
 * @param {{step: 'local-offer'|'remote-answer'|'remote-offer'|'local-answer', connectionState: string}} c
 * @returns {'rollback'|'rebuild'}
 */
export function afterNegotiationError({ step, connectionState }) {
  // Our own offer failed before it was sent: the peer knows nothing of it, so undoing it keeps a
  // working call as it was.
  if (step === 'local-offer' && connectionState === 'connected') return 'rollback';
  // An answer we cannot apply: the peer already switched to our offer, so rolling back would leave
  // the two sides with different ICE credentials. An offer we cannot apply or answer: the peer
  // waits for an answer that will not come. Only a fresh connection puts both sides in agreement.
  return 'rebuild';
}

/**
 * What to do when the connection is unwell.
 * @param {{cause: 'disconnected'|'failed'|'requested'|'stalled', leader: boolean,
 *          restarted: boolean, signalingUp: boolean, peerPresent: boolean}} c
 *   cause: ICE disconnected past the grace period, the connection failed, someone asked for an ICE
 *   restart (a person, a test, the peer), or the connection stayed unwell for the recovery timeout;
 *   restarted: an ICE restart was already tried since the connection was last connected
 * @returns {'restart-ice'|'ask-peer'|'rebuild'|'call-peer'|'wait'} call-peer: bring both sides
 *   back to signaling first, then decide again
 */
export function recoveryAction({ cause, leader, restarted, signalingUp, peerPresent }) {
  if (cause === 'stalled') return signalingUp && peerPresent ? 'rebuild' : 'wait';
  if (!leader) return 'ask-peer';
  if (!signalingUp || !peerPresent) return 'call-peer';
  if (cause === 'failed' && restarted) return 'rebuild';
  return 'restart-ice';
}

/**
 * What to do, after presence changed, with a recovery that waits for the peer (recoveryAction's
 * 'call-peer', or an offer of ours that could not be relayed).
 * @param {{pending: boolean, signalingUp: boolean, peerPresent: boolean, peerParked: boolean, parked: boolean}} c
 *   parked: this page's own socket is parked
 * @returns {'run'|'call-peer'|'wait'|'none'} run: the peer can be reached, decide again now;
 *   call-peer: a parked side (either) must be asked back, or the recovery waits for ever (nothing
 *   else would wake a parked peer); wait: the peer's page is reconnecting, its welcome will come
 */
export function pendingRecoveryStep({ pending, signalingUp, peerPresent, peerParked, parked }) {
  if (!pending) return 'none';
  if (signalingUp && peerPresent) return 'run';
  if (parked || peerParked) return 'call-peer';
  return 'wait';
}

/** How long to let a connection stay unwell before acting, after `attempts` rebuilds that did not connect. */
export function recoveryWaitMs(attempts) {
  return Math.min(MAX_RECOVERY_WAIT_MS, RECOVERY_TIMEOUT_MS * 2 ** attempts);
}
