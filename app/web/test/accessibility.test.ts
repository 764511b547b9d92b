import axe from "axe-core";
import type { Page } from "playwright-core";
import { directConversation, sendMessage } from "@parley/test-support";
import {
  WebUnderTest,
  conversationButton,
  message,
  send,
  signIn,
  untilCount,
  untilFocused,
  visible,
} from "./support";

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page and returns its serious and critical violations, in words. The script
 * is evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
 * govern, so the page is scanned exactly as it is served.
 */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  const violations = (await page.evaluate(
    "axe.run(document, { resultTypes: ['violations'] }).then((results) => results.violations)",
  )) as Violation[];
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((node) => node.target.join(" ")).join(", ")})`,
    );
}

describe("the web client's accessibility, in a real browser against the real platform", () => {
  const web = new WebUnderTest();
  beforeAll(() => web.start(), 60_000);
  afterAll(() => web.stop());

  web.it(
    "when someone uses only the keyboard, then they sign in, open a conversation and send, with focus where they need it",
    async () => {
      const [ada, bob] = await Promise.all([web.account("ada"), web.account("bob")]);
      await sendMessage(bob, await directConversation(bob, ada), "Ping from Bob");
      const page = await web.open();
      const keyboard = page.keyboard;

      await untilFocused(page.getByLabel("Username"), "the username field");
      await keyboard.type(ada.username);
      await keyboard.press("Tab");
      await untilFocused(page.getByLabel("Password"), "the password field");
      await keyboard.type(ada.password);
      await keyboard.press("Enter");

      const conversation = conversationButton(page, /Ping from Bob/);
      await visible(conversation);
      await untilFocused(conversation, "the first conversation");
      expect(await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")).toBe("solid");
      await keyboard.press("Enter");

      const composer = page.getByLabel("Message", { exact: true });
      await visible(message(page, "Ping from Bob"));
      await untilFocused(composer, "the message field");
      await keyboard.type("Sent with the keyboard alone");
      await keyboard.press("Enter");
      await untilCount(message(page, "Sent with the keyboard alone"), 1, "the message is sent");
      await untilFocused(composer, "the message field, still,");
      expect(await composer.inputValue()).toBe("");

      await keyboard.press("Tab");
      await untilFocused(page.getByRole("button", { name: "Send" }), "the Send button");
      await keyboard.press("Shift+Tab");
      await keyboard.press("Shift+Tab");
      await untilFocused(page.getByRole("log"), "the message log");
    },
  );

  web.it("when axe-core scans each screen, then it finds no serious or critical violation", async () => {
    const [ada, bob, carol] = await Promise.all([
      web.account("ada"),
      web.account("bob"),
      web.account("carol"),
    ]);
    await sendMessage(bob, await directConversation(bob, ada), "Hello from Bob");
    const page = await web.open();

    await visible(page.getByRole("button", { name: "Sign in" }));
    expect(await seriousViolations(page)).toEqual([]);

    await signIn(page, ada);
    await visible(conversationButton(page, /Hello from Bob/));
    expect(await seriousViolations(page)).toEqual([]);

    await conversationButton(page, /Hello from Bob/).click();
    await visible(message(page, "Hello from Bob"));
    await send(page, "Hello back");
    await untilCount(message(page, "Hello back"), 1, "the reply shows");
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByText("New group").click();
    const newGroup = page.getByRole("form", { name: "Create a group" });
    await newGroup.getByLabel("Group name").fill("Accessible group");
    await newGroup.getByLabel("Members").fill(`${bob.username} ${carol.username}`);
    await newGroup.getByRole("button", { name: "Create group" }).click();
    await page.getByRole("button", { name: "Manage group" }).click();
    const dialog = page.getByRole("dialog", { name: /Manage “Accessible group”/ });
    await visible(dialog.getByRole("button", { name: `Remove ${carol.username}` }));
    expect(await seriousViolations(page)).toEqual([]);
  });
});
