import { type FormEvent, useState } from "react";
import { describeFetchError } from "../../components/fetch-error";
import { Modal } from "../../components/modal";
import { useRollbackRelease } from "../../hooks/use-config-actions";

/** Publishes a new release with an older version's content, with a reason. */
export function RollbackDialog({
  namespace,
  version,
  onClose,
}: {
  namespace: string;
  version: number;
  onClose: () => void;
}) {
  const rollback = useRollbackRelease();
  const [message, setMessage] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    rollback.mutate({ namespace, version, message: message.trim() }, { onSuccess: onClose });
  };
  return (
    <Modal title={`Roll ${namespace} back to v${version}?`} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <p>
          A new release is published with the content of v{version}; every instance of {namespace} applies it.
        </p>
        <label htmlFor="rollback-message">Message (why)</label>
        <input
          id="rollback-message"
          value={message}
          maxLength={1000}
          required
          onChange={(e) => setMessage(e.target.value)}
        />
        {rollback.error && (
          <p className="error-text" role="alert">
            Rollback failed: {describeFetchError(rollback.error)}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" disabled={rollback.isPending || !message.trim()}>
            {rollback.isPending ? "Rolling back…" : `Roll back to v${version}`}
          </button>
        </div>
      </form>
    </Modal>
  );
}
