import { createContext, type ReactNode, useContext } from 'react';
import type { ChatClient } from '../state/client.js';

const ChatContext = createContext<ChatClient | null>(null);

/** Makes the signed-in user's client available to every component below. */
export function ChatProvider({ client, children }: { client: ChatClient; children?: ReactNode }) {
  return <ChatContext.Provider value={client}>{children}</ChatContext.Provider>;
}

/** The client, for its actions; read its state with useChatSelector instead of getState(). */
export function useChatClient(): ChatClient {
  const client = useContext(ChatContext);
  if (!client) throw new Error('useChatClient needs a <ChatProvider> above it');
  return client;
}
