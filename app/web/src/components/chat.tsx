import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type Conversation, useConversations, useNames } from "../conversations";
import { type Notification, useLiveNotifications } from "../live";
import { ConversationHistory } from "../messages";
import { usePresence } from "../presence";
import { type User, leave } from "../session";
import { ConnectionStatus } from "./connection-status";
import { ConversationList } from "./conversation-list";
import { ConversationView } from "./conversation-view";
import { StartConversation } from "./start-conversation";

const REFRESH_MS = 30_000;
const ignore = () => {};

interface ChatProps {
  me: User;
  /** Move focus to the conversation list once it loads (after signing in through the form). */
  focusList: boolean;
  onSignedOut(): void;
}

/** The signed-in page: conversations in the navigation, the open one in the main region. */
export function Chat({ me, focusList, onSignedOut }: ChatProps) {
  const { conversations, upsert, remove, setUnreadCount, refreshAll, refreshOne } = useConversations();
  const { nameOf, learn, learnMembersOf } = useNames(me);
  const [openId, setOpenId] = useState<string>();
  const [loaded, setLoaded] = useState(false);
  // Bumped whenever the stream (re)opens: whatever it could not carry is fetched again.
  const [resyncs, setResyncs] = useState(0);
  const histories = useRef(new Map<string, ConversationHistory>());
  const nav = useRef<HTMLElement>(null);

  const historyOf = useCallback(
    (id: string) => {
      let history = histories.current.get(id);
      if (!history) {
        history = new ConversationHistory(
          id,
          (message) => void refreshOne(message.conversationId).catch(ignore),
        );
        histories.current.set(id, history);
      }
      return history;
    },
    [refreshOne],
  );

  const onNotification = (notification: Notification) => {
    if (notification.kind !== "message_received" || !("conversationId" in notification.detail)) return;
    const { conversationId } = notification.detail;
    void refreshOne(conversationId).catch(ignore);
    void histories.current.get(conversationId)?.loadLatest().catch(ignore);
  };
  const connection = useLiveNotifications(onNotification, () => {
    setResyncs((n) => n + 1);
    void refreshAll().catch(ignore);
  });

  useEffect(() => {
    void learnMembersOf(conversations).catch(ignore);
  }, [conversations, learnMembersOf]);

  useEffect(() => {
    refreshAll().then(() => setLoaded(true), ignore);
    // No notification says that someone added us to a group or removed us from one.
    const timer = window.setInterval(() => void refreshAll().catch(ignore), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [refreshAll]);

  // Where the keyboard goes when what had the focus is gone: the first conversation, else the form.
  const focusNavigation = () => {
    const list = nav.current!;
    (list.querySelector<HTMLElement>(".conversation") ?? list.querySelector<HTMLElement>("input"))?.focus();
  };
  useEffect(() => {
    if (loaded && focusList) focusNavigation();
  }, [loaded, focusList]);

  const unread = conversations.reduce((sum, c) => sum + c.unreadCount, 0);
  useEffect(() => {
    document.title = unread ? `(${unread}) Parley` : "Parley";
  }, [unread]);

  const others = useMemo(
    () => conversations.flatMap((c) => c.memberIds).filter((id) => id !== me.id),
    [conversations, me.id],
  );
  const online = usePresence(others, resyncs);

  const started = (conversation: Conversation) => {
    upsert(conversation);
    setOpenId(conversation.id);
  };
  const open = conversations.find((c) => c.id === openId);

  return (
    <>
      <header class="top">
        <h1>Parley</h1>
        <ConnectionStatus connection={connection} />
        <p class="me">
          Signed in as <strong>{me.username}</strong>
        </p>
        <button type="button" class="secondary" onClick={() => void leave().then(onSignedOut)}>
          Sign out
        </button>
      </header>
      <div class="layout">
        <nav ref={nav} aria-label="Conversations">
          <StartConversation me={me} learn={learn} onStarted={started} />
          <ConversationList
            conversations={conversations}
            loaded={loaded}
            openId={openId}
            me={me}
            nameOf={nameOf}
            online={online}
            onOpen={setOpenId}
          />
        </nav>
        <main>
          {open ? (
            <ConversationView
              key={open.id}
              conversation={open}
              history={historyOf(open.id)}
              resyncs={resyncs}
              me={me}
              nameOf={nameOf}
              learn={learn}
              online={online}
              onRead={setUnreadCount}
              onMembersChanged={() => void refreshOne(open.id).catch(ignore)}
              onLeft={() => {
                remove(open.id);
                setOpenId(undefined);
                requestAnimationFrame(focusNavigation);
              }}
            />
          ) : (
            <p class="placeholder">
              {openId
                ? "You are no longer a member of this conversation."
                : "Choose a conversation, or start one by username."}
            </p>
          )}
        </main>
      </div>
    </>
  );
}
