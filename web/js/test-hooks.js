// window.__videocall: a read-only view of the call for tests and curious people (quality, messages
// sent, recoveries). Its switches exist only when the page was opened with TEST_FLAG as the address's
// fragment (the browser tests add it): the same functions a person's action or a failing connection
// calls, and the RTCPeerConnection to inspect.
export const TEST_FLAG = '#videocall-test';

/** @param {import('./session.js').Session} session */
export function exposeForTests(session) {
  const { counts } = session;
  const inspect = {
    stats: null,
    sent: counts.sent,
    get iceRestarts() { return counts.iceRestarts; },
    get restartRequests() { return counts.restartRequests; },
    get rebuilds() { return counts.rebuilds; },
  };
  if (location.hash === TEST_FLAG) {
    Object.assign(inspect, {
      pc: () => session.call?.pc ?? null,
      leads: () => session.call?.leader ?? null,
      dropSocket: (code = 3000) => session.signaling?.ws?.close(code, 'test'),
      restartIce: () => session.restartIce(),
      offerAnyway: () => session.call?.offerAnyway(),
    });
  }
  window.__videocall = inspect;
  return inspect;
}
