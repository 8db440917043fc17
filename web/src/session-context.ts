import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { ConsoleSession } from './api/console-client'
import type { ApiClient } from './api/v1-client'

export interface SignedIn {
  session: ConsoleSession
  api: ApiClient
  /** Asks the server again who is signed in (after a 401 anywhere, the console shows the sign-in page). */
  refresh(): Promise<void>
  signOut(): Promise<void>
}

export const SessionContext = createContext<SignedIn | null>(null)

/** The signed-in session; only pages inside the shell use it. */
export function useSignedIn(): SignedIn {
  const value = useContext(SessionContext)
  if (value === null) throw new Error('useSignedIn outside the signed-in shell')
  return value
}
