import { type FormEvent, useState } from "react";
import { DRAIN_REASON } from "../../api/actions";
import type { Instance } from "../../api/types";
import { describeFetchError } from "../../components/fetch-error";
import { Modal } from "../../components/modal";
import { useDrainInstance } from "../../hooks/use-drain-instance";

/** Asks why, says what draining does, and drains on confirm. */
export function DrainDialog({
  instance,
  otherRoutable,
  onClose,
}: {
  instance: Instance;
  /** Routable instances of the same service besides this one. */
  otherRoutable: number;
  onClose: () => void;
}) {
  const drain = useDrainInstance();
  const [reason, setReason] = useState("");
  const trimmed = reason.trim();
  const valid = trimmed.length >= DRAIN_REASON.min && trimmed.length <= DRAIN_REASON.max;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    drain.mutate({ id: instance.id, reason: trimmed }, { onSuccess: onClose });
  };

  return (
    <Modal title={`Drain ${instance.id}?`} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <p>
          The gateway and other services stop routing to this instance of <strong>{instance.service}</strong>.
          It stays registered and keeps heartbeating; <em>Enable</em> puts it back.
        </p>
        {instance.routable && otherRoutable === 0 && (
          <p className="banner banner-error">
            This is the last routable instance of {instance.service}: the service will be unhealthy until it
            is enabled again.
          </p>
        )}
        <label htmlFor="drain-reason">Reason (recorded in the instance's history)</label>
        <textarea
          id="drain-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          required
          minLength={DRAIN_REASON.min}
          maxLength={DRAIN_REASON.max}
          rows={3}
          placeholder="e.g. rolling out 0.2.0 to this host"
          aria-describedby="drain-reason-hint"
        />
        <span id="drain-reason-hint" className="muted sub">
          {DRAIN_REASON.min}–{DRAIN_REASON.max} characters · {trimmed.length} now
        </span>
        {drain.error && (
          <p className="error-text" role="alert">
            Drain failed: {describeFetchError(drain.error)}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" disabled={!valid || drain.isPending}>
            {drain.isPending ? "Draining…" : "Drain instance"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
