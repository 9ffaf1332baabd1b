// window.__videocall: a read-only view of the call for tests and curious people (quality, messages
// sent, recoveries, parking). Its switches exist only when the address's fragment has TEST_FLAG among its
// parameters, beside the link's token (the browser tests add it with withTestHooks): the same
// functions a person's action or a failing connection calls, and the RTCPeerConnection to inspect.
export const TEST_FLAG = 'videocall-test';

/** The link with TEST_FLAG added to its fragment. */
export function withTestHooks(link) {
  const at = link.indexOf('#');
  return at < 0 ? `${link}#${TEST_FLAG}` : `${link}&${TEST_FLAG}`;
}

/** @param {import('./session.js').Session} session */
export function exposeForTests(session) {
  const counts = () => session.facts.counts;
  const inspect = {
    stats: null,
    get sent() { return counts().sent; },
    get iceRestarts() { return counts().iceRestarts; },
    get restartRequests() { return counts().restartRequests; },
    get rebuilds() { return counts().rebuilds; },
    get parks() { return counts().parks; },
    get unparks() { return counts().unparks; },
    /** 'open' (welcomed), 'parked' (closed on purpose with 4100, or being reopened) or 'connecting'. */
    get signaling() {
      const { view } = session.facts;
      if (view.parked) return 'parked';
      return view.signalingUp ? 'open' : 'connecting';
    },
    /** The close codes of this page's sockets so far, as their close events reported them. */
    get closeCodes() { return [...(session.signaling?.closeCodes ?? [])]; },
    /** Why the page is where it is: what parking and recovery decide from (see parking.js, recovery.js). */
    get diagnosis() {
      const { facts } = session;
      const pc = session.call?.pc;
      return {
        facts: { ...facts.view },
        socket: { ...facts.socket },
        pendingCause: facts.pendingCause,
        holdMs: Math.max(0, Math.round(facts.holdUntil - performance.now())),
        quietMs: Math.round(performance.now() - facts.lastSignalAt),
        waiters: facts.waiters,
        rollingBack: facts.rollingBack,
        timers: { ...facts.timers },
        call: pc ? {
          leader: session.call.leader, offering: session.call.offering, channel: session.call.channelState,
          signaling: pc.signalingState, connection: pc.connectionState, ice: pc.iceConnectionState,
        } : null,
        trace: [...session.trace],
      };
    },
    /** The current WebSocket's URL and the subprotocol the server selected (no token in either). */
    get socket() {
      const ws = session.signaling?.ws;
      return ws ? { url: ws.url, protocol: ws.protocol, open: ws.readyState === WebSocket.OPEN } : null;
    },
  };
  if (new URLSearchParams(location.hash.slice(1)).has(TEST_FLAG)) {
    Object.assign(inspect, {
      pc: () => session.call?.pc ?? null,
      leads: () => session.call?.leader ?? null,
      dropSocket: (code = 3000) => session.signaling?.ws?.close(code, 'test'),
      restartIce: () => session.restartIce(),
      // Both sides back on signaling first: a stray offer the server cannot relay provokes nothing.
      offerAnyway: async () => {
        await session.whenSignaling();
        await session.call?.offerAnyway();
      },
      /** Both sides back on signaling (this one asks the peer over the data channel); resolves when the server says so. */
      unpark: () => session.whenSignaling(),
    });
  }
  window.__videocall = inspect;
  return inspect;
}
