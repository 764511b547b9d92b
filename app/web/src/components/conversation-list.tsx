import { type Conversation, type NameOf, partnerOf, titleOf } from "../conversations";
import type { User } from "../session";
import { PresenceDot } from "./presence-dot";

const PREVIEW_LENGTH = 80;

interface ConversationListProps {
  conversations: Conversation[];
  loaded: boolean;
  openId: string | undefined;
  me: User;
  nameOf: NameOf;
  online: ReadonlySet<string>;
  onOpen(id: string): void;
}

export function ConversationList(props: ConversationListProps) {
  const { conversations, loaded, openId, me, nameOf, online, onOpen } = props;
  return (
    <section aria-labelledby="conversations-heading">
      <h2 id="conversations-heading">Conversations</h2>
      {loaded && conversations.length === 0 && <p class="hint">No conversations yet.</p>}
      <ul class="conversations">
        {conversations.map((conversation) => {
          const partner = partnerOf(conversation, me);
          const last = conversation.lastMessage;
          const preview = last
            ? `${last.senderId === me.id ? "You" : nameOf(last.senderId)}: ${last.body.slice(0, PREVIEW_LENGTH)}`
            : "No messages yet";
          return (
            <li key={conversation.id}>
              <button
                type="button"
                class="conversation"
                aria-current={conversation.id === openId ? "true" : undefined}
                onClick={() => onOpen(conversation.id)}
              >
                <span class="title">
                  {titleOf(conversation, me, nameOf)}
                  {partner && <PresenceDot online={online.has(partner)} />}
                </span>
                {conversation.unreadCount > 0 && (
                  <span class="unread">
                    {conversation.unreadCount}
                    <span class="visually-hidden"> unread</span>
                  </span>
                )}
                <span class="preview">{preview}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
