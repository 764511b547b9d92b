import { useState } from "preact/hooks";
import { type Conversation, findUser } from "../conversations";
import { dataOf, errorText } from "../problems";
import { type User, api } from "../session";
import { Alert } from "./alert";

interface StartConversationProps {
  me: User;
  learn(user: User): void;
  onStarted(conversation: Conversation): void;
}

const usernamesIn = (text: string) => [...new Set(text.split(/[\s,]+/).filter(Boolean))];

/** Starting a direct conversation by username, and creating a group. */
export function StartConversation({ me, learn, onStarted }: StartConversationProps) {
  const [directProblem, setDirectProblem] = useState<string>();
  const [groupProblem, setGroupProblem] = useState<string>();

  const startDirect = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const username = String(new FormData(form).get("username")).trim();
    setDirectProblem(undefined);
    try {
      const conversation = dataOf(await api.POST("/v1/conversations/direct", { body: { username } }));
      const other = conversation.memberIds.find((id) => id !== me.id);
      if (other) learn({ id: other, username: username.toLowerCase(), createdAt: conversation.createdAt });
      form.reset();
      onStarted(conversation);
    } catch (error) {
      setDirectProblem(errorText(error));
    }
  };

  const createGroup = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const fields = new FormData(form);
    setGroupProblem(undefined);
    try {
      const lookups = await Promise.all(
        usernamesIn(String(fields.get("members"))).map((username) =>
          findUser(username).then(
            (user) => ({ user }),
            (error: unknown) => ({ problem: `${username}: ${errorText(error)}` }),
          ),
        ),
      );
      const problems = lookups.flatMap((lookup) => ("problem" in lookup ? [lookup.problem] : []));
      if (problems.length) return setGroupProblem(problems.join(" "));
      const members = lookups.flatMap((lookup) => ("user" in lookup ? [lookup.user] : []));
      members.forEach(learn);
      const body = { title: String(fields.get("title")), memberIds: members.map((user) => user.id) };
      const conversation = dataOf(await api.POST("/v1/conversations", { body }));
      form.reset();
      onStarted(conversation);
    } catch (error) {
      setGroupProblem(errorText(error));
    }
  };

  return (
    <>
      <form class="start" aria-label="Start a direct conversation" onSubmit={startDirect}>
        <label for="direct-username">Start a conversation with</label>
        <div class="inline">
          <input id="direct-username" name="username" autocomplete="off" required placeholder="username" />
          <button type="submit">Start</button>
        </div>
        <Alert text={directProblem} />
      </form>
      <details class="start">
        <summary>New group</summary>
        <form aria-label="Create a group" onSubmit={createGroup}>
          <label for="group-title">Group name</label>
          <input id="group-title" name="title" autocomplete="off" required />
          <label for="group-members">Members</label>
          <input id="group-members" name="members" autocomplete="off" aria-describedby="group-members-hint" />
          <p id="group-members-hint" class="hint">
            Usernames, separated by commas or spaces
          </p>
          <button type="submit">Create group</button>
          <Alert text={groupProblem} />
        </form>
      </details>
    </>
  );
}
