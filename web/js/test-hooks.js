// window.__videocall: a read-only view of the call for tests and curious people (quality, messages
// sent, recoveries, parking; each pair's where there is one per other member, the first peer's where
// a call of two has one). Its switches exist only when the address's fragment has TEST_FLAG among its
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
  /** The first other member in the link's order: the peer of a call of two. */
  const firstPeer = () => [...session.options.names.keys()][0];
  const callWith = (peer) => session.calls.get(peer ?? firstPeer()) ?? null;
  const inspect = {
    /** The last quality sample of each pair's connection, by peer. */
    quality: new Map(),
    /** The first peer's last quality sample. */
    get stats() { return inspect.quality.get(firstPeer()) ?? null; },
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
    /** Each pair's connection state, by peer ('connected', …; null when there is none). */
    get connections() {
      return Object.fromEntries([...session.options.names.keys()].map((peer) => [peer, callWith(peer)?.pc.connectionState ?? null]));
    },
    /** Why the page is where it is: what parking and recovery decide from (see parking.js, recovery.js). */
    get diagnosis() {
      const { facts } = session;
      const now = performance.now();
      return {
        view: { ...facts.view },
        self: facts.self,
        socket: { ...facts.socket },
        quietMs: Math.round(now - facts.lastSignalAt),
        waiters: facts.waiters,
        timers: { ...facts.timers },
        pairs: Object.values(facts.peers).map((p) => {
          const call = session.calls.get(p.id);
          const pc = call?.pc;
          return {
            peer: p.id,
            facts: { ...p.view },
            polite: p.polite,
            pendingCause: p.pendingCause,
            holdMs: Math.max(0, Math.round(p.holdUntil - now)),
            rollingBack: p.rollingBack,
            timers: { ...p.timers },
            call: pc ? {
              leader: call.leader, offering: call.offering, channel: call.channelState,
              signaling: pc.signalingState, connection: pc.connectionState, ice: pc.iceConnectionState,
            } : null,
          };
        }),
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
      /** The connection with a peer (the first peer's when none is named). */
      pc: (peer) => callWith(peer)?.pc ?? null,
      leads: (peer) => callWith(peer)?.leader ?? null,
      dropSocket: (code = 3000) => session.signaling?.ws?.close(code, 'test'),
      /** An ICE restart with one peer, or with every peer when none is named. */
      restartIce: (peer) => session.restartIce(peer),
      // Back on signaling first, with the peers: a stray offer the server cannot relay provokes nothing.
      offerAnyway: async (peer) => {
        await session.whenSignaling();
        await callWith(peer)?.offerAnyway();
      },
      /** Back on signaling, with every peer in the call (each asked over its data channel); resolves when the server says so. */
      unpark: () => session.whenSignaling(),
    });
  }
  window.__videocall = inspect;
  return inspect;
}
