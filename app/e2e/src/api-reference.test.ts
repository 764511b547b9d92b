import { type LoneGateway, startLoneGateway } from "@parley/launcher";
import { launchChromium } from "@parley/test-support";
import type { Browser } from "playwright-core";

describe("the API reference at /docs (the built gateway, Debian's Chromium)", () => {
  let gateway: LoneGateway;
  let browser: Browser;

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startLoneGateway(), launchChromium()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it("when opened, then Redoc renders every operation from this origin only, and the policy blocks nothing but its CDN logo", async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    const origins = new Set<string>();
    page.on("console", (message) => {
      if (message.type() === "error" || /Content Security Policy/.test(message.text()))
        problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    // Only what got an answer: a request the policy blocks is reported, but never leaves the page.
    page.on("response", (answer) => origins.add(new URL(answer.url()).origin));

    const response = await page.goto(`${gateway.url}/docs`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
    await page.getByRole("heading", { name: "Parley API" }).first().waitFor({ timeout: 30_000 });
    const document = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { summary: string }>>;
    };
    const summaries = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((o) => o.summary),
    );
    const text = await page.locator("body").innerText();
    expect(summaries.filter((summary) => !text.includes(summary))).toEqual([]);
    // Redoc's footer logo is hard-wired to its CDN: the policy blocks it, and Redoc then hides it.
    const cdnLogo = /^Loading the image 'https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini\.svg' violates/;
    expect(problems.filter((problem) => !cdnLogo.test(problem))).toEqual([]);
    expect([...origins].filter((origin) => origin !== gateway.url && origin !== "null")).toEqual([]);
  }, 60_000);
});
