import { useCanOperate, useSession } from "../hooks/use-session";

/** Says why a viewer sees no action buttons. */
export function ReadOnlyNote({ actions }: { actions: string }) {
  const s = useSession();
  if (useCanOperate() || s.status !== "signed-in") return null;
  return (
    <p className="muted read-only" role="note">
      Read-only: as a {s.user.role} you can see everything here; {actions} need the operator role.
    </p>
  );
}
