import type { Schemas } from "@parley/api-client";
import { useEffect, useRef, useState } from "preact/hooks";
import { type Conversation, type NameOf, findUser } from "../conversations";
import { dataOf, errorText } from "../problems";
import { type User, api } from "../session";
import { Alert } from "./alert";
import { PresenceDot } from "./presence-dot";

interface GroupDialogProps {
  conversation: Conversation;
  title: string;
  me: User;
  nameOf: NameOf;
  learn(user: User): void;
  online: ReadonlySet<string>;
  onChanged(): void;
  onLeft(): void;
  onClose(): void;
}

/** A modal dialog: the group's members; admins add and remove them; anyone can leave. */
export function GroupDialog(props: GroupDialogProps) {
  const { conversation, title, me, nameOf, online } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const [members, setMembers] = useState<Schemas["Member"][]>([]);
  const [problem, setProblem] = useState<string>();
  const path = { conversationId: conversation.id };

  useEffect(() => dialog.current?.showModal(), []);

  // Does an API call, showing its problem in words if it fails.
  const attempt = async (call: () => Promise<void>) => {
    setProblem(undefined);
    try {
      await call();
    } catch (error) {
      setProblem(errorText(error));
    }
  };

  useEffect(() => {
    void attempt(async () => {
      setMembers(
        dataOf(await api.GET("/v1/conversations/{conversationId}/members", { params: { path } })).members,
      );
    });
  }, [conversation.id]);

  const admin = members.some((member) => member.userId === me.id && member.role === "admin");

  const add = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    void attempt(async () => {
      const user = await findUser(String(new FormData(form).get("username")).trim());
      props.learn(user);
      const body = { userIds: [user.id] };
      setMembers(
        dataOf(await api.POST("/v1/conversations/{conversationId}/members", { params: { path }, body }))
          .members,
      );
      form.reset();
      props.onChanged();
    });
  };

  const remove = (userId: string) =>
    attempt(async () => {
      dataOf(
        await api.DELETE("/v1/conversations/{conversationId}/members/{userId}", {
          params: { path: { ...path, userId } },
        }),
      );
      setMembers((list) => list.filter((member) => member.userId !== userId));
      props.onChanged();
    });

  const leave = () =>
    attempt(async () => {
      dataOf(await api.POST("/v1/conversations/{conversationId}/leave", { params: { path } }));
      props.onLeft();
    });

  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="group-dialog-title" onClose={props.onClose}>
      <h2 id="group-dialog-title">Manage “{title}”</h2>
      <h3>Members</h3>
      <ul class="members">
        {members.map((member) => (
          <li key={member.userId}>
            <span>
              {nameOf(member.userId)}
              {member.userId === me.id ? " (you)" : <PresenceDot online={online.has(member.userId)} />}
              {member.role === "admin" && <span class="role"> admin</span>}
            </span>
            {admin && member.userId !== me.id && (
              <button type="button" class="secondary" onClick={() => void remove(member.userId)}>
                Remove<span class="visually-hidden"> {nameOf(member.userId)}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      {admin && (
        <form aria-label="Add a member" onSubmit={add}>
          <label for="add-member">Add someone by username</label>
          <div class="inline">
            <input id="add-member" name="username" autocomplete="off" required />
            <button type="submit">Add member</button>
          </div>
        </form>
      )}
      <Alert text={problem} />
      <div class="actions">
        <button type="button" class="danger" onClick={() => void leave()}>
          Leave group
        </button>
        <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}
