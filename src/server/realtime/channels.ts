/**
 * Socket.IO room names. Each socket sits in its user's channel, its session's channel and one
 * channel per Parley room it belongs to; broadcasting to these (rather than to socket ids)
 * works the same on one node or many behind an adapter.
 */
export const userChannel = (userId: string) => `u:${userId}`;
export const sessionChannel = (sessionId: string) => `s:${sessionId}`;
export const roomChannel = (roomId: string) => `r:${roomId}`;
