import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/http.js';
import { fetchMe } from './me.js';

interface Enrollment {
  secret: string;
  otpauthUrl: string;
  recoveryCodes: string[];
}

type Step =
  | { name: 'loading' }
  | { name: 'off' }
  | { name: 'confirm'; enrollment: Enrollment }
  | { name: 'codes'; recoveryCodes: string[] }
  | { name: 'on' };

/** Groups of four are easier to copy into an authenticator by hand; apps ignore the spaces. */
const grouped = (secret: string) => secret.match(/.{1,4}/g)?.join(' ') ?? secret;

// A refused code is most often a phone clock that is off, or a code already used.
const problemText = (err: unknown) =>
  err instanceof ApiError && err.code === 'UNAUTHENTICATED' && /code/i.test(err.message)
    ? `${err.message}. Check the time on your phone and enter the newest code.`
    : (err as Error).message;

/**
 * Two-factor sign-in (TOTP): set up with an authenticator app, confirmed with a first code,
 * then the recovery codes, shown once. `required` is the screen a listed role gets in place
 * of the app (no way back but on); `onChanged` hears of "on" only after the codes were seen.
 */
export function TwoFactorSettings({
  required = false,
  onChanged,
}: {
  required?: boolean;
  onChanged?: (enabled: boolean) => void;
}) {
  const [step, setStep] = useState<Step>(required ? { name: 'off' } : { name: 'loading' });
  const [code, setCode] = useState('');
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (!required)
      fetchMe().then(
        (me) => setStep(me.mfaEnabled ? { name: 'on' } : { name: 'off' }),
        (err: Error) => setProblem(err.message),
      );
  }, [required]);
  // Each step replaces the last: focus goes to its heading so keyboard and screen-reader users follow.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else heading.current?.focus();
  }, [step.name]);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await work();
    } catch (err) {
      setProblem(problemText(err));
    } finally {
      setBusy(false);
    }
  };
  const go = (next: Step) => {
    setCode('');
    setStep(next);
  };

  const handleStart = () =>
    run(async () => go({ name: 'confirm', enrollment: await api<Enrollment>('POST', '/api/auth/mfa/enroll') }));
  const handleConfirm = (e: FormEvent, enrollment: Enrollment) => {
    e.preventDefault();
    void run(async () => {
      await api('POST', '/api/auth/mfa/confirm', { code: code.replace(/\s/g, '') });
      setSaved(false);
      go({ name: 'codes', recoveryCodes: enrollment.recoveryCodes });
    });
  };
  const handleDisable = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api('POST', '/api/auth/mfa/disable', { code: code.replace(/\s/g, '') });
      go({ name: 'off' });
      onChanged?.(false);
    });
  };
  const handleCopy = async (codes: string[]) => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      setCopied('Copied. Paste them somewhere safe, such as a password manager.');
    } catch {
      // Clipboard access needs HTTPS or a permission; the codes stay on screen to copy by hand.
      setCopied('This browser would not copy them: select the codes and copy them by hand.');
    }
  };
  const handleDone = () => {
    go({ name: 'on' });
    onChanged?.(true);
  };

  const codeField = (id: string, label: string) => (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9 ]{6,7}"
        title="The 6 digits your authenticator app shows"
        value={code}
        onChange={(e) => setCode(e.target.value)}
        required
      />
    </>
  );

  return (
    <section className="two-factor" aria-labelledby="two-factor-title" aria-busy={busy || step.name === 'loading'}>
      <h2 id="two-factor-title" ref={heading} tabIndex={-1}>
        {step.name === 'codes' ? 'Save your recovery codes' : 'Two-factor sign-in'}
      </h2>
      {step.name === 'loading' && <p className="muted">Loading…</p>}
      {step.name === 'off' && (
        <>
          <p>
            {required ? 'Your clinic requires it for your account. ' : 'Two-factor sign-in is off. '}
            With it on, signing in asks for your password and a 6-digit code from an authenticator app on your phone
            (such as Google Authenticator, Microsoft Authenticator or FreeOTP).
          </p>
          <button type="button" disabled={busy} onClick={() => void handleStart()}>
            Set up two-factor sign-in
          </button>
        </>
      )}
      {step.name === 'confirm' && (
        <form className="two-factor-form" onSubmit={(e) => handleConfirm(e, step.enrollment)}>
          <ol className="two-factor-steps">
            <li>
              <p>
                In your authenticator app, add an account with this setup key, or on this phone{' '}
                <a href={step.enrollment.otpauthUrl}>open the authenticator app</a>.
              </p>
              <label htmlFor="totp-secret">Setup key</label>
              {/* A read-only field rather than text: labelled for screen readers, easy to select and copy. */}
              <textarea
                id="totp-secret"
                className="totp-secret"
                rows={2}
                readOnly
                spellCheck={false}
                value={grouped(step.enrollment.secret)}
                onFocus={(e) => e.target.select()}
              />
            </li>
            <li>{codeField('totp-confirm', 'Enter the 6-digit code the app shows')}</li>
          </ol>
          <div className="row">
            {!required && (
              <button type="button" className="link" onClick={() => go({ name: 'off' })}>
                Cancel
              </button>
            )}
            <button type="submit" disabled={busy}>
              Turn on
            </button>
          </div>
        </form>
      )}
      {step.name === 'codes' && (
        <>
          <p className="notice" role="status">
            Two-factor sign-in is on. Save these 10 recovery codes now: they are shown only this once. Each one signs
            you in one time if you lose your phone.
          </p>
          <ol className="recovery-codes" aria-label="Recovery codes">
            {step.recoveryCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ol>
          <button type="button" className="link" onClick={() => void handleCopy(step.recoveryCodes)}>
            Copy the codes
          </button>
          {copied && (
            <p className="small muted" role="status">
              {copied}
            </p>
          )}
          <label>
            <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} /> I have saved my
            recovery codes
          </label>
          <button type="button" disabled={!saved} onClick={handleDone}>
            {required ? 'Continue to CareChat' : 'Done'}
          </button>
        </>
      )}
      {step.name === 'on' && (
        <form className="two-factor-form" onSubmit={handleDisable}>
          <p>Two-factor sign-in is on: signing in asks for a code from your authenticator app.</p>
          {codeField('totp-disable', 'To turn it off, enter a current code')}
          <button type="submit" disabled={busy}>
            Turn off two-factor sign-in
          </button>
        </form>
      )}
      {problem && (
        <p role="alert" className="error small">
          {problem}
        </p>
      )}
    </section>
  );
}
