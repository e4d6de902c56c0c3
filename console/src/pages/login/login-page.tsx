import { type FormEvent, useState } from "react";
import { ApiError } from "../../api/client";
import { session } from "../../auth/session";
import { describeFetchError } from "../../components/fetch-error";

/** What a failed login means, without telling which of name or password was wrong. */
function describeLoginError(error: Error): string {
  if (error instanceof ApiError && error.status === 401) return "Wrong user name or password.";
  if (error instanceof ApiError && error.status === 429)
    return error.problem?.detail ? `Too many attempts: ${error.problem.detail}.` : "Too many attempts.";
  return describeFetchError(error);
}

export function LoginPage({ notice }: { notice?: string }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await session.login(username.trim(), password);
    } catch (e) {
      setError(e as Error);
      setPending(false);
    }
  };

  return (
    <div className="login">
      <form className="form login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to Diana</h1>
        {notice && !error && (
          <p className="muted" role="status">
            {notice}
          </p>
        )}
        <label htmlFor="login-username">User name</label>
        <input
          id="login-username"
          name="username"
          autoComplete="username"
          required
          maxLength={64}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={256}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error && (
          <p className="error-text" role="alert">
            {describeLoginError(error)}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={pending}>
            {pending ? "Signing in…" : "Sign in"}
          </button>
        </div>
      </form>
    </div>
  );
}
