import type { RefObject } from "preact";
import { useState } from "preact/hooks";
import type { ConversationHistory } from "../messages";
import { Alert } from "./alert";

interface ComposerProps {
  history: ConversationHistory;
  inputRef: RefObject<HTMLTextAreaElement>;
  problem: string | undefined;
  onProblem(text: string | undefined): void;
}

/** The message field: Enter sends, Shift+Enter starts a new line. */
export function Composer({ history, inputRef, problem, onProblem }: ComposerProps) {
  const [draft, setDraft] = useState("");

  const send = async (event?: Event) => {
    event?.preventDefault();
    const body = draft;
    if (!body.trim()) return;
    setDraft("");
    onProblem(undefined);
    const refused = await history.send(body);
    if (refused) {
      onProblem(refused);
      setDraft((current) => current || body); // give the words back to fix them
    }
  };

  const keyDown = (event: KeyboardEvent) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    void send();
  };

  return (
    <form class="composer" aria-label="Send a message" onSubmit={send}>
      <label for="composer-input">Message</label>
      <div class="inline">
        <textarea
          ref={inputRef}
          id="composer-input"
          rows={2}
          value={draft}
          aria-describedby="composer-hint"
          onInput={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={keyDown}
        />
        <button type="submit">Send</button>
      </div>
      <p id="composer-hint" class="hint">
        Enter sends, Shift+Enter starts a new line.
      </p>
      <Alert text={problem} />
    </form>
  );
}
