// What the two pages say to each other over the call's data channel (the server never sees these):
// {kind: "chat", text}, {kind: "media", audio, video, screen}, {kind: "bye"},
// {kind: "restart-ice"}, the side that does not lead the connection asking the one that does, and
// what parking needs (parking.js): {kind: "parked"} (this side closed its signaling socket: the
// server will refuse messages to it), {kind: "unpark"} (come back to signaling: I need to negotiate),
// {kind: "back"} (this side's socket is open and welcomed again: the server can relay to it, even if
// the peer's own welcome, made at the same moment, still said it was parked) and {kind: "leaving"}
// (this page is being closed or reloaded; it cannot tell the server if parked).
export const PEER = Object.freeze({
  CHAT: 'chat',
  MEDIA: 'media',
  BYE: 'bye', // the peer hung up (also said through the server, as wire.js's TYPE.BYE)
  RESTART_ICE: 'restart-ice',
  PARKED: 'parked',
  UNPARK: 'unpark',
  BACK: 'back',
  LEAVING: 'leaving',
});
