import { MAX_MESSAGE_LENGTH } from '@carechat/protocol';

// Placeholder until the web app issue (#4) lands: proves the build, the shared protocol
// package and same-origin serving are wired end to end.
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 640, margin: '4rem auto', lineHeight: 1.5 }}>
      <h1>CareChat</h1>
      <p>Secure messaging between doctors and patients. The chat interface is on its way.</p>
      <p>
        The API is live under <code>/api</code> and real-time events under <code>/socket.io</code>; messages hold up to{' '}
        {MAX_MESSAGE_LENGTH} characters.
      </p>
    </main>
  );
}
