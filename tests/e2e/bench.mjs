// `cargo xtask bench`: start-up and per-change handler times of opportunity.js in headless Chromium.
// Numbers are printed, not asserted (budgets: ready ≤ 30 ms, handler p95 ≤ 1 ms).
import { launch, openForm, STAND_INS } from "./browser.mjs";
import { startServer } from "./server.mjs";

const quantile = (values, q) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const ms = (v) => `${v.toFixed(3)} ms`;

const browser = await launch();
const server = await startServer();
try {
    // Start-up: script start → module instantiated and handlers ready, on a page with nothing else.
    const ready = [];
    for (let i = 0; i < 15; i++) {
        const page = await browser.context.newPage();
        await page.goto(server.url + "bench.html");
        await page.waitForFunction(() => window.CoSell.Opportunity.stats.readyMs != null);
        ready.push(await page.evaluate(() => window.CoSell.Opportunity.stats));
        await page.close();
    }
    const stage = (key) => ready.map((s) => s[key]);
    console.log(`load → handlers ready (15 loads): median ${ms(quantile(stage("readyMs"), 0.5))}, p95 ${ms(quantile(stage("readyMs"), 0.95))}` +
        ` (median base64 decoded at ${ms(quantile(stage("decodedMs"), 0.5))})`);

    // Per change: the OnChange handler's duration as the fake form measures it (cross-origin isolated: fine timers).
    const { page } = await openForm(browser.context, server, STAND_INS[0]);
    const times = await page.evaluate(() => {
        const form = window.demoForm;
        form.timings.onChange.length = 0;
        const description = form.attributes.description;
        const help = form.attributes.cosell_howcanmicrosofthelp;
        for (let i = 0; i < 300; i++) {
            description.userSets("Change " + i);
            if (i % 50 === 0) help.userSets(i % 100 === 0 ? 100000002 : null);
        }
        return { times: form.timings.onChange.slice(), isolated: window.crossOriginIsolated };
    });
    const t = times.times;
    console.log(`OnChange handler (${t.length} changes, crossOriginIsolated=${times.isolated}): median ${ms(quantile(t, 0.5))}, p95 ${ms(quantile(t, 0.95))}, max ${ms(Math.max(...t))}`);
    await page.close();
} finally {
    await server.close();
    await browser.close();
}
