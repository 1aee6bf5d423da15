import type { ParleyClient } from '@parley/client';
import { createContext, useContext } from 'react';
import type { GroupDirectory } from './groups/group-directory';
import type { ServerMode } from './session/api';

export interface AppContextValue {
  client: ParleyClient;
  me: string;
  /** The current token (a development session renews it on expiry), for the REST calls beside the SDK. */
  token: () => string;
  groups: GroupDirectory;
  /** The group actions (new group, add members, leave) exist in development mode only. */
  mode: ServerMode;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside <AppContext.Provider>');
  return value;
}
