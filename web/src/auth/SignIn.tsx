import { useEffect, useState, type FormEvent } from 'react';
import type { LoginResult, Role } from '@carechat/protocol';
import { api, ApiError } from '../api/http.js';

interface Options {
  demoAccounts: { email: string; name: string; role: Role }[] | null;
}

export function SignIn({ onSignedIn, notice }: { onSignedIn: (result: LoginResult) => void; notice?: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [options, setOptions] = useState<Options | null>(null);

  useEffect(() => {
    api<Options>('GET', '/api/auth/options').then(setOptions, () => setOptions(null));
  }, []);

  const handleSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const second = code.trim()
        ? /^\d{6}$/.test(code.trim())
          ? { totp: code.trim() }
          : { recoveryCode: code.trim() }
        : {};
      onSignedIn(await api<LoginResult>('POST', '/api/auth/login', { email, password, ...second }));
    } catch (err) {
      const errorCode = err instanceof ApiError ? err.code : 'INTERNAL';
      if (errorCode === 'MFA_REQUIRED') setNeedsCode(true);
      setError(
        errorCode === 'MFA_REQUIRED'
          ? 'Enter the 6-digit code from your authenticator app, or a recovery code.'
          : errorCode === 'UNAUTHENTICATED'
            ? 'That email and password do not match an account.'
            : errorCode === 'RATE_LIMITED'
              ? 'Too many attempts. Wait a few minutes and try again.'
              : errorCode === 'USER_BLOCKED'
                ? 'This account is blocked. Contact your clinic.'
                : (err as Error).message,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form className="signin-card" onSubmit={handleSubmit} aria-labelledby="signin-title">
        <h1 id="signin-title">CareChat</h1>
        <p className="muted">Secure messages between you and your care team.</p>
        {notice && (
          <p role="status" className="notice">
            {notice}
          </p>
        )}
        <label htmlFor="email">Email</label>
        <input
          id="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        {needsCode && (
          <>
            <label htmlFor="totp">Authentication code</label>
            <input
              id="totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              required
            />
          </>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {options?.demoAccounts && (
          <aside className="demo-note" aria-label="Demo accounts">
            <strong>Demo mode.</strong> Password <code>carechat-demo</code> for:
            <ul>
              {options.demoAccounts.map((a) => (
                <li key={a.email}>
                  <code>{a.email}</code> {a.name} ({a.role.toLowerCase()})
                </li>
              ))}
            </ul>
          </aside>
        )}
      </form>
    </main>
  );
}
