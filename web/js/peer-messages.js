// What the two pages say to each other over the call's data channel (the server never sees these):
// {kind: "chat", text}, {kind: "media", audio, video, screen}, {kind: "bye"} and
// {kind: "restart-ice"}, the side that does not lead the connection asking the one that does.
export const PEER = Object.freeze({
  CHAT: 'chat',
  MEDIA: 'media',
  BYE: 'bye', // the peer hung up (also said through the server, as wire.js's TYPE.BYE)
  RESTART_ICE: 'restart-ice',
});
