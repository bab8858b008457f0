// Headless Chromium from Debian's package, launched the way CI can run it (as root, offline, fresh
// profile), and the two Xrm stand-ins every scenario runs against.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The project's fake (the demo page) and the independent one built on npm xrm-mock. */
export const STAND_INS = [
    { name: "project fake", path: "" },
    { name: "xrm-mock", path: "xrm-mock/index.html" },
];

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

/** Resolves once every request the server has seen has been answered, and none came for `quiet` ms. */
export async function settled(server, quiet = 120) {
    let seen = -1;
    for (;;) {
        const open = server.requests.some((r) => r.ended === null);
        if (!open && seen === server.requests.length) return;
        seen = open ? -1 : server.requests.length;
        await new Promise((r) => setTimeout(r, quiet));
    }
}

/** Opens the form on a stand-in (the Web API is the real local server) and waits until the module
 * has started and its first reads are in, unless `wait` is false. */
export async function openForm(context, server, standIn, query = "", { wait = true } = {}) {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e));
    const sep = query ? "&" : "?";
    const webapi = standIn.path === "" ? `${sep}webapi=server` : "";
    await page.goto(server.url + standIn.path + (query || "") + webapi);
    await page.waitForFunction(() => window.CoSell?.Opportunity?.stats?.readyMs != null && window.standIn);
    if (wait) await settled(server);
    return { page, errors };
}
