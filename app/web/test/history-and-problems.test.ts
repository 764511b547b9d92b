import { randomUUID } from "node:crypto";
import { directConversation, sendMessage } from "@parley/test-support";
import {
  WebUnderTest,
  conversationButton,
  log,
  message,
  send,
  startDirect,
  until,
  untilCount,
  visible,
} from "./support";

const SEEDED = 70; // more than the 50 messages of one page
const seeded = (n: number) => `History message ${String(n).padStart(2, "0")}`;
const problemDetail = (body: unknown) => (body as { detail: string }).detail;
const fieldDetail = (body: unknown) => (body as { errors: { detail: string }[] }).errors[0]!.detail;

describe("the web client's session, history and problems, in a real browser against the real platform", () => {
  const web = new WebUnderTest();
  beforeAll(() => web.start(), 60_000);
  afterAll(() => web.stop());

  web.it(
    "when the page reloads, then the session goes on and the reader pages back to the first message",
    async () => {
      const [ada, bob] = await Promise.all([web.account("ada"), web.account("bob")]);
      const conversation = await directConversation(bob, ada);
      for (let n = 1; n <= SEEDED; n += 1) await sendMessage(bob, conversation, seeded(n));

      const page = await web.signedIn(ada);
      await page.reload();
      await visible(page.getByText(`Signed in as ${ada.username}`));
      await conversationButton(page, new RegExp(seeded(SEEDED))).click();
      await untilCount(message(page, seeded(SEEDED)), 1, "the newest message shows");
      expect(await message(page, seeded(1)).count()).toBe(0);

      // Scrolling to the top loads the page before; what was in view stays in view.
      const oldestShown = message(page, seeded(SEEDED - 49));
      await log(page).hover();
      await page.mouse.wheel(0, -20_000);
      await untilCount(message(page, seeded(SEEDED - 50)), 1, "scrolling up loads older messages");
      const [box, shown] = [await log(page).boundingBox(), await oldestShown.boundingBox()];
      expect(shown!.y).toBeGreaterThanOrEqual(box!.y);
      expect(shown!.y).toBeLessThan(box!.y + box!.height);

      const older = page.getByRole("button", { name: "Load older messages" });
      await until("the first message shows", async () => {
        if (await older.isVisible()) await older.click();
        return (await message(page, seeded(1)).count()) === 1;
      });
      await visible(page.getByText("This is the beginning of the conversation."));
      expect(await log(page).getByRole("listitem").count()).toBe(SEEDED);

      await page.getByRole("button", { name: "Sign out" }).click();
      await visible(page.getByRole("button", { name: "Sign in" }));
      await page.reload();
      await visible(page.getByRole("button", { name: "Sign in" }));
    },
  );

  web.it(
    "when two tabs of one browser load at once, then both resume the one session and keep it",
    async () => {
      const ada = await web.account("ada");
      const first = await web.signedIn(ada);
      const second = await first.context().newPage();
      for (let round = 0; round < 3; round += 1) {
        await Promise.all([first.reload(), second.goto(web.platform.gatewayUrl)]);
        for (const page of [first, second]) await visible(page.getByText(`Signed in as ${ada.username}`));
      }
    },
  );

  web.it(
    "when input breaks a rule, then the page shows the problem document's words next to the form",
    async () => {
      const [ada, bob] = await Promise.all([web.account("ada"), web.account("bob")]);
      const conversation = await directConversation(ada, bob);

      const page = await web.open();
      await page.getByLabel("Username").fill(ada.username);
      await page.getByLabel("Password").fill("not the password");
      await page.getByRole("button", { name: "Sign in" }).click();
      const signInAlert = page.getByRole("alert");
      const wrongPassword = await ada.api.POST("/v1/auth/login", {
        body: { username: ada.username, password: "not the password" },
      });
      await until("the sign-in problem shows", async () => (await signInAlert.textContent()) !== "");
      expect(await signInAlert.textContent()).toBe(wrongPassword.error!.detail);

      await page.getByLabel("Password").fill(ada.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await startDirect(page, bob.username);

      const tooLong = "x".repeat(4001);
      const refused = await sendMessage(ada, conversation, tooLong);
      expect(refused.status).toBe(400);
      await send(page, tooLong);
      const composerAlert = page.getByRole("form", { name: "Send a message" }).getByRole("alert");
      await until("the message's problem shows", async () => (await composerAlert.textContent()) !== "");
      expect(await composerAlert.textContent()).toContain(fieldDetail(refused.response.body));
      expect(await page.getByLabel("Message", { exact: true }).inputValue()).toBe(tooLong);
      expect(await log(page).getByRole("listitem").count()).toBe(0);

      const nobody = `nobody${randomUUID().slice(0, 8)}`;
      const unknown = await ada.api.POST("/v1/conversations/direct", { body: { username: nobody } });
      expect(unknown.response.status).toBe(404);
      const form = page.getByRole("form", { name: "Start a direct conversation" });
      await form.getByLabel("Start a conversation with").fill(nobody);
      await form.getByRole("button", { name: "Start" }).click();
      await until(
        "the username's problem shows",
        async () => (await form.getByRole("alert").textContent()) !== "",
      );
      expect(await form.getByRole("alert").textContent()).toBe(problemDetail(unknown.error));
    },
  );
});
