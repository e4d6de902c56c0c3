import { type FormEvent, useState } from "react";
import { ApiError } from "../../api/client";
import type { Release } from "../../api/types";
import { describeFetchError } from "../../components/fetch-error";
import { usePreviewRelease, usePublishRelease } from "../../hooks/use-config-actions";
import { ChangesList } from "./changes-list";

type Parsed = { content: Record<string, unknown> } | { error: string };

function parse(text: string): Parsed {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value))
      return { error: "The content must be a JSON object." };
    return { content: value as Record<string, unknown> };
  } catch (e) {
    return { error: `Not JSON: ${(e as Error).message}` };
  }
}

/** Edit the content as JSON, preview the changes and errors, then publish. Operators only. */
export function PublishForm({
  namespace,
  current,
  loaded,
}: {
  namespace: string;
  current: Release | undefined;
  loaded: boolean;
}) {
  const [text, setText] = useState<string | null>(null);
  const [message, setMessage] = useState("");
  const preview = usePreviewRelease();
  const publish = usePublishRelease();
  const shown = text ?? (loaded ? JSON.stringify(current?.content ?? {}, null, 2) : "");
  const parsed = parse(shown);
  const previewed = preview.data && preview.variables?.content && JSON.stringify(preview.variables.content);
  const fresh = "content" in parsed && previewed === JSON.stringify(parsed.content);
  const canPublish =
    fresh && preview.data?.errors.length === 0 && message.trim().length > 0 && !publish.isPending;

  const onPreview = () => {
    if ("content" in parsed) {
      publish.reset();
      preview.mutate({ namespace, content: parsed.content });
    }
  };
  const onPublish = (e: FormEvent) => {
    e.preventDefault();
    if (!("content" in parsed) || !canPublish) return;
    publish.mutate(
      { namespace, content: parsed.content, message: message.trim() },
      {
        onSuccess: () => {
          setText(null);
          setMessage("");
          preview.reset();
        },
      },
    );
  };
  const invalid =
    publish.error instanceof ApiError && publish.error.status === 422 ? publish.error.problem : null;

  return (
    <section className="group" aria-labelledby="config-publish">
      <h2 id="config-publish" className="group-title">
        Publish a release
      </h2>
      <form className="form publish" onSubmit={onPublish}>
        <label htmlFor="config-content">Content (JSON object)</label>
        <textarea
          id="config-content"
          className="mono json-editor"
          rows={10}
          spellCheck={false}
          value={shown}
          onChange={(e) => setText(e.target.value)}
        />
        {"error" in parsed && <p className="error-text">{parsed.error}</p>}
        <label htmlFor="config-message">Message (why)</label>
        <input
          id="config-message"
          value={message}
          maxLength={1000}
          onChange={(e) => setMessage(e.target.value)}
          placeholder="e.g. raise the scoring timeout"
        />
        <div className="form-actions form-actions-start">
          <button
            type="button"
            className="btn"
            disabled={!("content" in parsed) || preview.isPending}
            onClick={onPreview}
          >
            {preview.isPending ? "Previewing…" : "Preview"}
          </button>
          <button type="submit" className="btn btn-primary" disabled={!canPublish}>
            {publish.isPending ? "Publishing…" : "Publish"}
          </button>
          <span className="muted">
            {!fresh
              ? "Preview first: publish is enabled once the previewed content has no errors."
              : preview.data && preview.data.errors.length > 0
                ? "Fix the errors to publish."
                : message.trim().length === 0
                  ? "Say why in the message to publish."
                  : `Publishes on top of v${preview.data?.baseVersion ?? "–"}.`}
          </span>
        </div>
      </form>
      {preview.error && (
        <p className="error-text" role="alert">
          Preview failed: {describeFetchError(preview.error)}
        </p>
      )}
      {preview.data && fresh && (
        <div className="preview" data-testid="publish-preview">
          <h3 className="panel-title">
            Preview against{" "}
            {preview.data.baseVersion === null ? "no release" : `v${preview.data.baseVersion}`}
          </h3>
          {preview.data.errors.length > 0 && (
            <ul className="plain error-text" aria-label="Errors">
              {preview.data.errors.map((e) => (
                <li key={`${e.pointer}${e.detail}`}>
                  <span className="mono">{e.pointer || "/"}</span>: {e.detail}
                </li>
              ))}
            </ul>
          )}
          <ChangesList changes={preview.data.changes} label="Changes" />
        </div>
      )}
      {publish.error && (
        <div className="error-text" role="alert">
          Publish refused: {describeFetchError(publish.error)}
          {invalid?.errors && (
            <ul className="plain">
              {invalid.errors.map((e) => (
                <li key={`${e.pointer}${e.detail}`}>
                  <span className="mono">{e.pointer || "/"}</span>: {e.detail}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {publish.data && !publish.error && (
        <p role="status" data-testid="published">
          Published v{publish.data.version}.
        </p>
      )}
    </section>
  );
}
