import { useSyncExternalStore } from "react";
import { hasRole, type SessionState, session } from "../auth/session";

/** Who is signed in (or that nobody is, or that the session is being restored). */
export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, session.get);
}

/** Whether the signed-in user may take operator actions (drain, enable, breaker actions). */
export function useCanOperate(): boolean {
  const s = useSession();
  return s.status === "signed-in" && hasRole(s.user.role, "operator");
}
