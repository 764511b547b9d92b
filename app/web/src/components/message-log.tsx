import { useLayoutEffect, useRef } from "preact/hooks";
import type { NameOf } from "../conversations";
import type { ConversationHistory } from "../messages";
import { errorText } from "../problems";
import type { User } from "../session";

interface MessageLogProps {
  history: ConversationHistory;
  me: User;
  nameOf: NameOf;
  label: string;
  onProblem(text: string | undefined): void;
}

const NEAR_PX = 80;
const time = (sentAt: string) =>
  new Date(sentAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/**
 * The messages, oldest at the top. It stays at the bottom while the reader is there, and loading
 * older messages (scrolling to the top, or the button) keeps what the reader sees in place.
 */
export function MessageLog({ history, me, nameOf, label, onProblem }: MessageLogProps) {
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  // Distance from the bottom to keep while older messages are added above.
  const keepFromBottom = useRef<number>();

  useLayoutEffect(() => {
    const element = box.current!;
    if (keepFromBottom.current !== undefined) {
      element.scrollTop = element.scrollHeight - keepFromBottom.current;
      keepFromBottom.current = undefined;
    } else if (atBottom.current) {
      element.scrollTop = element.scrollHeight;
    }
  }, [history.messages, history.pending.length]);

  const loadOlder = () => {
    if (history.loadingOlder) return;
    const element = box.current!;
    keepFromBottom.current = element.scrollHeight - element.scrollTop;
    history.loadOlder().catch((error: unknown) => onProblem(errorText(error)));
  };

  const scrolled = () => {
    const element = box.current!;
    atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_PX;
    if (element.scrollTop < NEAR_PX && history.olderCursor) loadOlder();
  };

  const retry = (idempotencyKey: string) => {
    onProblem(undefined);
    void history.retry(idempotencyKey).then(onProblem);
  };

  return (
    <div
      ref={box}
      class="log"
      role="log"
      aria-live="polite"
      aria-label={label}
      aria-busy={history.loadingOlder}
      tabIndex={0}
      onScroll={scrolled}
    >
      {history.olderCursor ? (
        <button type="button" class="older secondary" onClick={loadOlder}>
          {history.loadingOlder ? "Loading older messages…" : "Load older messages"}
        </button>
      ) : (
        history.olderCursor === null && (
          <p class="hint beginning">This is the beginning of the conversation.</p>
        )
      )}
      <ol class="messages">
        {history.messages.map((message) => {
          const mine = message.senderId === me.id;
          return (
            <li key={message.id} class={mine ? "message mine" : "message"}>
              <p class="meta">
                <span class="sender">{mine ? "You" : nameOf(message.senderId)}</span>{" "}
                <time dateTime={message.sentAt}>{time(message.sentAt)}</time>
              </p>
              <p class="body">{message.body}</p>
            </li>
          );
        })}
        {history.pending.map((pending) => (
          <li
            key={pending.idempotencyKey}
            class={pending.failed ? "message mine failed" : "message mine pending"}
          >
            <p class="meta">
              <span class="sender">You</span> {pending.failed ? "Not sent." : "Sending…"}
              {pending.failed && (
                <button type="button" class="retry" onClick={() => retry(pending.idempotencyKey)}>
                  Retry
                </button>
              )}
            </p>
            <p class="body">{pending.body}</p>
          </li>
        ))}
      </ol>
    </div>
  );
}
