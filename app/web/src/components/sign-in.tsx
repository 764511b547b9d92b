import { useEffect, useRef, useState } from "preact/hooks";
import { errorText } from "../problems";
import { type User, enter } from "../session";
import { Alert } from "./alert";

export function SignIn({ onSignedIn }: { onSignedIn(user: User): void }) {
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const username = useRef<HTMLInputElement>(null);
  useEffect(() => username.current?.focus(), []);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    // Enter in a field presses the first button, Sign in; Create account registers.
    const how = (event.submitter as HTMLButtonElement | null)?.value === "register" ? "register" : "login";
    setBusy(true);
    setProblem(undefined);
    try {
      onSignedIn(
        await enter(how, { username: String(form.get("username")), password: String(form.get("password")) }),
      );
    } catch (error) {
      setProblem(errorText(error));
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>Parley</h1>
      <form aria-labelledby="sign-in-heading" onSubmit={submit}>
        <h2 id="sign-in-heading">Sign in or create an account</h2>
        <label for="username">Username</label>
        <input ref={username} id="username" name="username" autocomplete="username" required />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <div class="actions">
          <button type="submit" value="login" disabled={busy}>
            Sign in
          </button>
          <button type="submit" value="register" class="secondary" disabled={busy}>
            Create account
          </button>
        </div>
        <Alert text={problem} />
      </form>
    </main>
  );
}
