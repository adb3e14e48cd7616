import { useEffect, useState } from 'react';
import type { Self } from '../shared/protocol.js';
import { currentUser } from './api/auth.js';
import { AuthScreen } from './components/AuthScreen.js';
import { ChatApp } from './components/ChatApp.js';
import { SignInLinkScreen } from './components/SignInLinkScreen.js';
import { signInToken } from './lib/route.js';

type Session = { status: 'loading' } | { status: 'signed-out' } | { status: 'signed-in'; user: Self };

export function App() {
  const [session, setSession] = useState<Session>({ status: 'loading' });
  const [linkToken, setLinkToken] = useState(() => signInToken(window.location.hash));

  // A sign-in link pasted into a tab that is already open.
  useEffect(() => {
    const follow = () => setLinkToken(signInToken(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  useEffect(() => {
    currentUser()
      .then((user) => setSession(user ? { status: 'signed-in', user } : { status: 'signed-out' }))
      .catch(() => setSession({ status: 'signed-out' }));
  }, []);

  if (linkToken) {
    // The token leaves the address (and the history) once it is used or set aside.
    const leave = () => {
      window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}`);
      setLinkToken(null);
    };
    return (
      <SignInLinkScreen
        token={linkToken}
        onLeave={leave}
        onSignedIn={(user) => {
          leave();
          setSession({ status: 'signed-in', user });
        }}
      />
    );
  }
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
