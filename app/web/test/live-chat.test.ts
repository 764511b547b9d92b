import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { directConversation, sendMessage } from "@parley/test-support";
import {
  WebUnderTest,
  connectionStatus,
  conversationButton,
  log,
  message,
  send,
  signIn,
  startDirect,
  until,
  untilCount,
  visible,
} from "./support";

/** Both pages side by side in one picture, for the README (only with PARLEY_WEB_SCREENSHOT=1). */
async function saveSideBySide(web: WebUnderTest, pages: Page[], file: string) {
  const shots = await Promise.all(pages.map((page) => page.screenshot()));
  const context = await web.browser.newContext({ viewport: { width: 2 * 1000 + 16, height: 700 } });
  const canvas = await context.newPage();
  const images = shots.map((shot) => `<img src="data:image/png;base64,${shot.toString("base64")}">`).join("");
  await canvas.setContent(`<body style="margin:0;display:flex;gap:16px;background:#9ca3af">${images}</body>`);
  await mkdir(join(file, ".."), { recursive: true });
  await canvas.screenshot({ path: file });
}

describe("the web client, live, in real browsers against the real platform", () => {
  const web = new WebUnderTest(2);
  beforeAll(() => web.start(), 60_000);
  afterAll(() => web.stop());

  web.it("when two people chat in two browsers, then each sees the other's messages live, once", async () => {
    const bob = await web.account("bob");
    const bobPage = await web.signedIn(bob);
    const ada = { username: `ada${randomUUID().slice(0, 8)}`, password: "correct horse battery" };
    const adaPage = await web.open();
    await signIn(adaPage, ada, "Create account");

    await startDirect(adaPage, bob.username);
    await send(adaPage, "Hello Bob, this is Ada");
    await untilCount(message(adaPage, "Hello Bob, this is Ada"), 1, "Ada sees her message");

    // Bob's list shows the new conversation live, unread, with its last message.
    const incoming = conversationButton(bobPage, /1 unread.*Hello Bob, this is Ada/);
    await visible(incoming);
    // Named by her username, which Bob's page learns from the members list (he never looked her up).
    await visible(conversationButton(bobPage, new RegExp(ada.username)));
    await incoming.click();
    await untilCount(message(bobPage, "Hello Bob, this is Ada"), 1, "Bob sees Ada's message");
    await untilCount(conversationButton(bobPage, /unread/), 0, "Bob's unread count goes once he reads");
    // Starting the conversation with Ada by name opens the same one.
    await startDirect(bobPage, ada.username);
    expect(await bobPage.getByRole("navigation").getByRole("listitem").count()).toBe(1);

    await send(bobPage, "Hi Ada! Bob here.");
    await untilCount(message(adaPage, "Hi Ada! Bob here."), 1, "Ada sees Bob's reply");
    await send(adaPage, "Great to see the stream working");
    await untilCount(message(bobPage, "Great to see the stream working"), 1, "Bob sees Ada's second message");

    await visible(adaPage.getByRole("heading", { name: `${bob.username} (online)` }));
    for (const page of [adaPage, bobPage]) {
      await visible(connectionStatus(page).getByText("Connected"));
      for (const text of ["Hello Bob, this is Ada", "Hi Ada! Bob here.", "Great to see the stream working"])
        expect(await message(page, text).count()).toBe(1);
    }
    expect(await log(adaPage).getByRole("listitem").count()).toBe(3);

    if (process.env.PARLEY_WEB_SCREENSHOT === "1")
      await saveSideBySide(web, [adaPage, bobPage], join(__dirname, "..", "docs", "two-users-chatting.png"));
  });

  web.it(
    "when an admin removes a member of a group of three mid-conversation, then the removed member receives nothing after",
    async () => {
      const [bob, carol] = await Promise.all([web.account("bob"), web.account("carol")]);
      const ada = await web.account("ada");
      const [adaPage, bobPage, carolPage] = await Promise.all([
        web.signedIn(ada),
        web.signedIn(bob),
        web.signedIn(carol),
      ]);

      await adaPage.getByText("New group").click();
      const newGroup = adaPage.getByRole("form", { name: "Create a group" });
      await newGroup.getByLabel("Group name").fill("Book club");
      await newGroup.getByLabel("Members").fill(`${bob.username}, ${carol.username}`);
      await newGroup.getByRole("button", { name: "Create group" }).click();
      await visible(adaPage.getByRole("heading", { level: 2, name: "Book club" }));
      await send(adaPage, "Welcome to the book club");

      for (const page of [bobPage, carolPage]) {
        await conversationButton(page, /Book club/).click();
        await untilCount(message(page, "Welcome to the book club"), 1, "each member sees the welcome");
      }
      await send(carolPage, "Thanks! Carol here");
      await untilCount(message(adaPage, "Thanks! Carol here"), 1, "Ada sees Carol's message");
      await untilCount(message(bobPage, "Thanks! Carol here"), 1, "Bob sees Carol's message");

      await adaPage.getByRole("button", { name: "Manage group" }).click();
      const dialog = adaPage.getByRole("dialog", { name: /Manage “Book club”/ });
      await dialog.getByRole("button", { name: `Remove ${carol.username}` }).click();
      await untilCount(dialog.getByText(carol.username), 0, "Carol is no longer listed");
      await dialog.getByRole("button", { name: "Close" }).click();

      await send(adaPage, "Carol has left us");
      await send(bobPage, "Bob carries on");
      await untilCount(message(bobPage, "Carol has left us"), 1, "Bob still receives Ada's messages");
      await untilCount(message(adaPage, "Bob carries on"), 1, "Ada still receives Bob's messages");
      // Carol's page got nothing more, and the group refuses her message with the gateway's words.
      expect(await message(carolPage, "Carol has left us").count()).toBe(0);
      expect(await message(carolPage, "Bob carries on").count()).toBe(0);
      await send(carolPage, "Am I still here?");
      const { data } = await ada.api.GET("/v1/conversations");
      const group = data!.conversations.find((c) => c.title === "Book club")!.id;
      const { response } = await sendMessage(carol, group, "Am I still here?");
      expect(response.status).toBe(404);
      const refusal = carolPage.getByRole("form", { name: "Send a message" }).getByRole("alert");
      await until("Carol's message is refused", async () => (await refusal.textContent())!.length > 0);
      expect(await refusal.textContent()).toBe((response.body as { detail: string }).detail);
      expect(await message(adaPage, "Am I still here?").count()).toBe(0);
    },
  );

  web.it(
    "when the gateway holding the stream is killed and restarted, then the page says reconnecting, reconnects and shows what was sent meanwhile exactly once",
    async () => {
      const ada = await web.account("ada");
      const bob = await web.account("bob", 1); // Bob talks to the second gateway, which stays up
      const conversation = await directConversation(bob, ada);
      const adaPage = await web.signedIn(ada);
      await startDirect(adaPage, bob.username);
      await visible(connectionStatus(adaPage).getByText("Connected"));
      await sendMessage(bob, conversation, "Before the crash");
      await untilCount(message(adaPage, "Before the crash"), 1, "Ada sees Bob's first message");

      await web.platform.processes.get("gateway")![0]!.kill();
      await visible(connectionStatus(adaPage).getByText("Reconnecting…"));
      // Ada's own send fails while her gateway is down; it waits with a Retry button.
      await send(adaPage, "Sent while the gateway is down");
      await visible(log(adaPage).getByText("Not sent."));
      const meanwhile = ["While you were away 1", "While you were away 2"];
      for (const text of meanwhile) expect((await sendMessage(bob, conversation, text)).status).toBe(201);

      await web.platform.restart("gateway", 0);
      await visible(connectionStatus(adaPage).getByText("Connected"));
      for (const text of meanwhile) await untilCount(message(adaPage, text), 1, `Ada sees "${text}"`);

      await log(adaPage).getByRole("button", { name: "Retry" }).click();
      await untilCount(log(adaPage).getByText("Not sent."), 0, "the retried message is sent");
      // The browser going offline and back shows too, and the stream carries on.
      await adaPage.context().setOffline(true);
      await visible(connectionStatus(adaPage).getByText("Offline"));
      await adaPage.context().setOffline(false);
      await visible(connectionStatus(adaPage).getByText("Connected"));
      await sendMessage(bob, conversation, "After the restart");
      await untilCount(message(adaPage, "After the restart"), 1, "Ada sees Bob's message after the restart");

      for (const text of [
        "Before the crash",
        ...meanwhile,
        "Sent while the gateway is down",
        "After the restart",
      ])
        expect(await message(adaPage, text).count()).toBe(1);
      const { data } = await bob.api.GET("/v1/conversations/{conversationId}/messages", {
        params: { path: { conversationId: conversation } },
      });
      expect(data!.messages.filter((m) => m.body === "Sent while the gateway is down")).toHaveLength(1);
    },
  );
});
