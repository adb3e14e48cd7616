import { createContext, useContext } from 'react';
import type { ComposeState } from './useComposeState.js';

/**
 * The room's compose state (useComposeState), for the composer and its parts: the room holds
 * it, because the message list starts replies and edits and the whole room takes dropped files.
 */
export const ComposeContext = createContext<ComposeState | null>(null);

export function useCompose(): ComposeState {
  const compose = useContext(ComposeContext);
  if (!compose) throw new Error('useCompose needs a <ComposeContext.Provider> above it');
  return compose;
}
