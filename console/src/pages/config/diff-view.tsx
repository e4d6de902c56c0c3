import { useState } from "react";
import type { Release } from "../../api/types";
import { describeFetchError } from "../../components/fetch-error";
import { useConfigDiff } from "../../hooks/use-config-diff";
import { ChangesList } from "./changes-list";

/** The changes between two chosen versions (by default the previous and the current one). */
export function DiffView({ namespace, releases }: { namespace: string; releases: Release[] }) {
  const [chosenFrom, setFrom] = useState<number | undefined>();
  const [chosenTo, setTo] = useState<number | undefined>();
  const from = chosenFrom ?? releases[1]?.version;
  const to = chosenTo ?? releases[0]?.version;
  const diff = useConfigDiff(namespace, from, to);
  const versions = releases.map((r) => r.version);
  return (
    <div className="diff" data-testid="config-diff">
      <h3 className="panel-title">Compare versions</h3>
      <p className="form-inline">
        <label>
          From{" "}
          <select value={from} onChange={(e) => setFrom(Number(e.target.value))}>
            {versions.map((v) => (
              <option key={v} value={v}>
                v{v}
              </option>
            ))}
          </select>
        </label>{" "}
        <label>
          to{" "}
          <select value={to} onChange={(e) => setTo(Number(e.target.value))}>
            {versions.map((v) => (
              <option key={v} value={v}>
                v{v}
              </option>
            ))}
          </select>
        </label>
      </p>
      {from === to && <p className="muted">Choose two different versions.</p>}
      {diff.error && (
        <p className="error-text" role="alert">
          {describeFetchError(diff.error)}
        </p>
      )}
      {diff.data && <ChangesList changes={diff.data.changes} label={`Changes from v${from} to v${to}`} />}
    </div>
  );
}
