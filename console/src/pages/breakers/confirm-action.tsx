import type { ReactNode } from "react";
import { describeFetchError } from "../../components/fetch-error";
import { Modal } from "../../components/modal";

/** "Are you sure?" for a disruptive action, with its consequence spelled out. */
export function ConfirmAction({
  title,
  confirm,
  pending,
  error,
  onConfirm,
  onClose,
  children,
}: {
  title: string;
  confirm: string;
  pending: boolean;
  error: Error | null;
  onConfirm: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Modal title={title} onClose={onClose}>
      <p>{children}</p>
      {error && (
        <p className="error-text" role="alert">
          {describeFetchError(error)}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" disabled={pending} onClick={onConfirm}>
          {pending ? "Working…" : confirm}
        </button>
      </div>
    </Modal>
  );
}
