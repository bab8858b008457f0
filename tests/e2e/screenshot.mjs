// Regenerates www/demo/screenshot.png (used by the README): the demo form after choosing
// "How can Microsoft help?" without a customer contact. Run after `cargo xtask dist`.
import { launch, openForm, STAND_INS } from "./browser.mjs";
import { startServer } from "./server.mjs";
import { fileURLToPath } from "node:url";

const browser = await launch();
const server = await startServer();
try {
    const { page } = await openForm(browser.context, server, STAND_INS[0]);
    await page.selectOption("#f-cosell_howcanmicrosofthelp", "100000002");
    await page.locator('[data-control="parentcontactid"] .notification.error').waitFor();
    await page.waitForTimeout(300);
    const out = fileURLToPath(new URL("../../www/demo/screenshot.png", import.meta.url));
    await page.screenshot({ path: out, fullPage: true });
    console.log(out);
} finally {
    await server.close();
    await browser.close();
}
