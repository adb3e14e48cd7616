import { useEffect, useState } from 'react';
import type { Self } from '../shared/protocol.js';
import { currentUser } from './api/auth.js';
import { AuthScreen } from './components/AuthScreen.js';
import { ChatApp } from './components/ChatApp.js';

type Session = { status: 'loading' } | { status: 'signed-out' } | { status: 'signed-in'; user: Self };

export function App() {
  const [session, setSession] = useState<Session>({ status: 'loading' });

  useEffect(() => {
    currentUser()
      .then((user) => setSession(user ? { status: 'signed-in', user } : { status: 'signed-out' }))
      .catch(() => setSession({ status: 'signed-out' }));
  }, []);

  if (session.status === 'loading') {
    return (
      <div className="splash" role="status">
        Loading Parley…
      </div>
    );
  }
  if (session.status === 'signed-out') {
    return <AuthScreen onSignedIn={(user) => setSession({ status: 'signed-in', user })} />;
  }
  return (
    <ChatApp
      key={session.user.id}
      me={session.user}
      onSignedOut={() => setSession({ status: 'signed-out' })}
    />
  );
}
