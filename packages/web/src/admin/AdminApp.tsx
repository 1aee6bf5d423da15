import { useCallback, useMemo, useState } from 'react';
import { AdminApi } from './api';
import { Console } from './Console';
import { SignIn } from './SignIn';
import { resetPageFocus } from './ui/Page';

/**
 * The admin console. The app secret is held in this component's state and nowhere else: not in
 * localStorage, sessionStorage, a cookie or the URL. A reload, or closing the tab, signs out.
 */
export function AdminApp() {
  const [secret, setSecret] = useState<string>();
  const [notice, setNotice] = useState<string>();

  const signOut = useCallback((why?: string) => {
    setSecret(undefined);
    setNotice(why);
  }, []);
  const api = useMemo(
    () => secret && new AdminApi(secret, () => signOut('The server no longer accepts this app secret. Sign in again.')),
    [secret, signOut],
  );

  if (!api)
    return (
      <SignIn
        notice={notice}
        onSignedIn={(s) => {
          resetPageFocus();
          setNotice(undefined);
          setSecret(s);
        }}
      />
    );
  return <Console api={api} onSignOut={() => signOut()} />;
}
