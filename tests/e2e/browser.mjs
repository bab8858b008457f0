// Headless Chromium from Debian's package, launched the way CI can run it (as root, offline, fresh profile).
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const demoUrl = process.env.COSELL_DEMO_URL ?? "http://127.0.0.1:8365/";

export async function launch() {
    const profile = mkdtempSync(join(tmpdir(), "cosell-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
        executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
        headless: true,
        args: [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
        viewport: { width: 1400, height: 1000 },
    });
    return {
        context,
        async close() {
            await context.close();
            rmSync(profile, { recursive: true, force: true });
        },
    };
}

/** Opens the demo form and waits until the co-sell module has started and loaded its data. */
export async function openForm(context, query = "") {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e));
    await page.goto(demoUrl + query);
    await page.waitForFunction(() => window.CoSell?.Opportunity?.stats?.readyMs != null);
    // The initial Web API loads are done once no request is pending for a moment.
    await page.waitForFunction(() => window.FakeWebApi.requests.length >= 1);
    await page.waitForTimeout(150);
    return { page, errors };
}
