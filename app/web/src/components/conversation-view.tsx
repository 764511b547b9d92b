import { useEffect, useRef, useState } from "preact/hooks";
import { type Conversation, type NameOf, partnerOf, titleOf } from "../conversations";
import { type ConversationHistory, useHistory } from "../messages";
import { errorText } from "../problems";
import { type User, api } from "../session";
import { Composer } from "./composer";
import { GroupDialog } from "./group-dialog";
import { MessageLog } from "./message-log";
import { PresenceDot } from "./presence-dot";

interface ConversationViewProps {
  conversation: Conversation;
  history: ConversationHistory;
  /** Changes when the live stream reopens: fetch what it may have missed. */
  resyncs: number;
  me: User;
  nameOf: NameOf;
  learn(user: User): void;
  online: ReadonlySet<string>;
  onRead(conversationId: string, unreadCount: number): void;
  onMembersChanged(): void;
  onLeft(): void;
}

function usePageVisible(): boolean {
  const [visible, setVisible] = useState(document.visibilityState === "visible");
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === "visible");
    document.addEventListener("visibilitychange", update);
    return () => document.removeEventListener("visibilitychange", update);
  }, []);
  return visible;
}

/** The open conversation: its title, its messages and the composer. */
export function ConversationView(props: ConversationViewProps) {
  const { conversation, history, resyncs, me, nameOf, online, onRead } = props;
  useHistory(history);
  const [problem, setProblem] = useState<string>();
  const [managing, setManaging] = useState(false);
  const composer = useRef<HTMLTextAreaElement>(null);
  const visible = usePageVisible();
  const title = titleOf(conversation, me, nameOf);
  const partner = partnerOf(conversation, me);

  useEffect(() => composer.current?.focus(), []);

  useEffect(() => {
    history.loadLatest().catch((error: unknown) => setProblem(errorText(error)));
  }, [history, resyncs]);

  // Read up to the newest message while the conversation is on screen.
  const newest = history.messages.at(-1)?.id;
  useEffect(() => {
    if (!visible || !newest || conversation.unreadCount === 0) return;
    api
      .POST("/v1/conversations/{conversationId}/read", {
        params: { path: { conversationId: conversation.id } },
        body: { messageId: newest },
      })
      .then(({ data }) => data && onRead(conversation.id, data.unreadCount))
      .catch(() => {});
  }, [visible, newest, conversation.id, conversation.unreadCount, onRead]);

  return (
    <>
      <div class="conversation-header">
        <h2 id="conversation-title">
          {title}
          {partner && <PresenceDot online={online.has(partner)} />}
        </h2>
        {conversation.kind === "group" && (
          <>
            <p class="hint">{conversation.memberIds.length} members</p>
            <button type="button" class="secondary" onClick={() => setManaging(true)}>
              Manage group
            </button>
          </>
        )}
      </div>
      <MessageLog
        history={history}
        me={me}
        nameOf={nameOf}
        label={`Messages with ${title}`}
        onProblem={setProblem}
      />
      <Composer history={history} inputRef={composer} problem={problem} onProblem={setProblem} />
      {managing && (
        <GroupDialog
          conversation={conversation}
          title={title}
          me={me}
          nameOf={nameOf}
          learn={props.learn}
          online={online}
          onChanged={props.onMembersChanged}
          onLeft={props.onLeft}
          onClose={() => setManaging(false)}
        />
      )}
    </>
  );
}
