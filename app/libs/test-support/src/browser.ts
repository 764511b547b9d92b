import { type Browser, chromium } from "playwright-core";

/**
 * Debian's Chromium (`apt-get install chromium`), headless, driven by playwright-core; nothing is
 * downloaded. `CHROMIUM_PATH` points elsewhere. As root it needs --no-sandbox; background
 * networking is off because the test machines' network is closed.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
