import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import {
  type Account,
  type PlatformUnderTest,
  createTestClient,
  eventually,
  launchChromium,
  register,
  startPlatformUnderTest,
} from "@parley/test-support";

/** The longest any single wait in these tests lasts. */
export const WAIT_MS = 20_000;
export const outputDir = join(__dirname, "..", "test-output");

/** Waits until `check` holds, or fails the test saying what it waited for. */
export async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  if (!(await eventually(check, WAIT_MS, 100))) throw new Error(`Timed out waiting until ${what}`);
}

/** Waits until `locator` matches exactly `count` elements. */
export function untilCount(locator: Locator, count: number, what: string): Promise<void> {
  return until(`${what} (${count} expected)`, async () => (await locator.count()) === count);
}

export const visible = (locator: Locator) => locator.first().waitFor({ state: "visible", timeout: WAIT_MS });

/** Waits until `locator` is the element that has the keyboard focus. */
export const untilFocused = (locator: Locator, what: string) =>
  until(`${what} has the focus`, () =>
    locator.evaluate((element) => element === element.ownerDocument.activeElement),
  );

/**
 * The built services as processes on the real PostgreSQL and RabbitMQ, serving the built web
 * client, and one headless Chromium, for one test file. `it` runs a scenario in fresh browser
 * contexts and saves a screenshot of every page under test-output/ when it fails.
 */
export class WebUnderTest {
  platform!: PlatformUnderTest;
  browser!: Browser;

  constructor(private readonly gateways = 1) {}

  async start(): Promise<void> {
    [this.platform, this.browser] = await Promise.all([
      startPlatformUnderTest({
        replicas: { gateway: this.gateways },
        // Every scenario signs several people in from one address.
        serviceEnv: { gateway: { RATE_LIMIT_AUTH_PER_MINUTE: "10000" } },
      }),
      launchChromium(),
    ]);
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await this.platform?.teardown();
  }

  it(name: string, scenario: () => Promise<void>, timeoutMs = 60_000): void {
    it(
      name,
      async () => {
        try {
          await scenario();
        } catch (error) {
          await this.screenshots(name);
          throw error;
        } finally {
          await Promise.all(this.browser.contexts().map((context) => context.close()));
        }
      },
      timeoutMs,
    );
  }

  private async screenshots(name: string) {
    await mkdir(outputDir, { recursive: true });
    const slug = name.replace(/[^a-z0-9]+/gi, "-").slice(0, 80);
    const pages = this.browser.contexts().flatMap((context) => context.pages());
    await Promise.all(
      pages.map((page, index) =>
        page
          .screenshot({ path: join(outputDir, `${slug}-${index + 1}.png`), timeout: 5_000 })
          .catch(() => {}),
      ),
    );
  }

  /** Registers a new user through the API (gateway `replica`). */
  account(prefix: string, replica = 0): Promise<Account> {
    return register(createTestClient(this.platform.gatewayUrls[replica]!), prefix);
  }

  /** A fresh browser (a context of its own: its own cookies) with the web client open. */
  async open(): Promise<Page> {
    const context = await this.browser.newContext({ viewport: { width: 1000, height: 700 } });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(this.platform.gatewayUrl);
    return page;
  }

  /** A browser signed in as `account` through the sign-in form. */
  async signedIn(account: Account): Promise<Page> {
    const page = await this.open();
    await signIn(page, account);
    return page;
  }
}

export async function signIn(page: Page, account: Pick<Account, "username" | "password">, how = "Sign in") {
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: how }).click();
  await visible(page.getByText(`Signed in as ${account.username}`));
}

/** Starts (or opens) the direct conversation with `username` from the navigation's form. */
export async function startDirect(page: Page, username: string) {
  const form = page.getByRole("form", { name: "Start a direct conversation" });
  await form.getByLabel("Start a conversation with").fill(username);
  await form.getByRole("button", { name: "Start" }).click();
  await visible(page.getByRole("heading", { level: 2, name: new RegExp(username) }));
}

/** Types a message into the composer and sends it with Enter. */
export async function send(page: Page, text: string) {
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.getByLabel("Message", { exact: true }).press("Enter");
}

export const log = (page: Page) => page.getByRole("log");

/** A message in the open conversation, by its exact text. */
export const message = (page: Page, text: string) => log(page).getByText(text, { exact: true });

/** The conversation in the navigation whose accessible name matches. */
export const conversationButton = (page: Page, name: string | RegExp) =>
  page.getByRole("navigation").getByRole("button", { name });

export const connectionStatus = (page: Page) => page.getByRole("status");
