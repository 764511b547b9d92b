import { useEffect, useState } from "preact/hooks";
import { type User, resume, whenSignedOut } from "../session";
import { Chat } from "./chat";
import { SignIn } from "./sign-in";

export function App() {
  // undefined while the page finds out whether the session cookie still signs the user in.
  const [me, setMe] = useState<User | null>();
  const [signedInHere, setSignedInHere] = useState(false);

  useEffect(() => {
    whenSignedOut(() => setMe(null));
    resume().then(
      (user) => setMe(user ?? null),
      () => setMe(null),
    );
  }, []);

  if (me === undefined)
    return (
      <main class="loading">
        <p role="status">Loading Parley…</p>
      </main>
    );
  if (me === null)
    return (
      <SignIn
        onSignedIn={(user) => {
          setSignedInHere(true);
          setMe(user);
        }}
      />
    );
  return <Chat me={me} focusList={signedInHere} onSignedOut={() => setMe(null)} />;
}
