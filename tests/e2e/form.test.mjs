// The scenarios, asserted on what the demo page shows (notifications, save status, readiness page).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openForm } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const HELP_POC = "100000002";
const HIDDEN = "100000000";
const VISIBLE = "100000001";
const ANA = "c0c0c0c0-0002-4000-8000-000000000002";

const field = (page, column) => page.locator(`[data-control="${column}"]`);
const errorsOn = (page, column) => field(page, column).locator(".notification.error");
const adviceOn = (page, column) => field(page, column).locator(".notification.recommendation");
const formNotice = (page, level) => page.locator(`#form-notifications .form-notification.${level}`);

async function choose(page, column, value) {
    await page.selectOption(`#f-${column}`, value);
}

async function save(page) {
    const before = await page.locator("#save-status").getAttribute("data-saves");
    await page.click("#save");
    return before;
}

test("help chosen without a contact → error on the contact control; contact added → cleared", async () => {
    const { page, errors } = await openForm(browser.context);
    await assert.doesNotReject(page.locator('[data-control="parentcontactid"]').waitFor());
    assert.equal(await errorsOn(page, "parentcontactid").count(), 0, "no error before help is chosen");

    await choose(page, "cosell_howcanmicrosofthelp", HELP_POC);
    await errorsOn(page, "parentcontactid").first().waitFor();
    assert.match(await errorsOn(page, "parentcontactid").first().innerText(), /contact/i);
    // Choosing help makes the referral visible to Microsoft sellers.
    assert.equal(await page.inputValue("#f-cosell_referralvisibility"), VISIBLE);

    await choose(page, "parentcontactid", ANA);
    await errorsOn(page, "parentcontactid").first().waitFor({ state: "detached" });
    assert.equal(await errorsOn(page, "parentcontactid").count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
});

test("no solution → save blocked; solution added → save goes through", async () => {
    const { page, errors } = await openForm(browser.context);
    await choose(page, "cosell_howcanmicrosofthelp", HELP_POC);
    await choose(page, "parentcontactid", ANA);
    await page.waitForTimeout(100);

    await save(page);
    await page.locator('#save-status[data-outcome="cancelled"]').waitFor();
    assert.match(await formNotice(page, "ERROR").first().innerText(), /solution/i);

    await page.click("#add-solution");
    await page.locator("#solutions-rows tr").first().waitFor();
    await page.waitForFunction(() => !document.querySelector("#form-notifications .ERROR"));
    await save(page);
    await page.locator('#save-status[data-outcome="saved"]').waitFor();
    assert.equal(await page.getAttribute("#save-status", "data-saves"), "1");
    assert.deepEqual(errors, []);
    await page.close();
});

test("a referral visible to Microsoft cannot be hidden again", async () => {
    const { page, errors } = await openForm(browser.context, "?visible=1");
    assert.equal(await page.inputValue("#f-cosell_referralvisibility"), VISIBLE);
    await choose(page, "cosell_referralvisibility", HIDDEN);
    await page.waitForFunction(() => document.querySelector("#f-cosell_referralvisibility").value === "100000001");
    assert.match(await formNotice(page, "INFO").first().innerText(), /visib/i);
    assert.deepEqual(errors, []);
    await page.close();
});

test("Sync = No with missing fields → advisories only, and the record saves", async () => {
    const { page, errors } = await openForm(browser.context);
    await choose(page, "cosell_syncwithpartnercenter", "false");
    await page.fill("#f-estimatedvalue", "");
    await page.dispatchEvent("#f-estimatedvalue", "change");
    await choose(page, "cosell_howcanmicrosofthelp", HELP_POC);
    await adviceOn(page, "parentcontactid").first().waitFor();
    await adviceOn(page, "estimatedvalue").first().waitFor();
    assert.equal(await page.locator(".notification.error").count(), 0, "nothing blocks when the deal does not sync");
    assert.match(await formNotice(page, "WARNING").first().innerText(), /not blocked/i);

    await save(page);
    await page.locator('#save-status[data-outcome="saved"]').waitFor();
    assert.deepEqual(errors, []);
    await page.close();
});

test("Web API 403 → one warning, and the form stays usable", async () => {
    const { page, errors } = await openForm(browser.context, "?webapi=403");
    const warning = page.locator('#form-notifications .WARNING[data-unique-id="cosell-unavailable"]');
    await warning.waitFor();
    assert.equal(await warning.count(), 1);
    assert.match(await warning.innerText(), /403/);

    await choose(page, "cosell_howcanmicrosofthelp", HELP_POC);
    await page.fill("#f-name", "Contoso cloud migration, phase 2");
    await page.dispatchEvent("#f-name", "change");
    assert.equal(await page.locator(".notification.error").count(), 0);
    await save(page);
    await page.locator('#save-status[data-outcome="saved"]').waitFor();
    assert.equal(await page.locator('#form-notifications [data-unique-id="cosell-unavailable"]').count(), 1, "still one warning");
    assert.deepEqual(errors, []);
    await page.close();
});

test("the Web API is read with OData headers, same origin, v9.2", async () => {
    const { page } = await openForm(browser.context);
    const requests = await page.evaluate(() => window.FakeWebApi.requests);
    assert.ok(requests.length >= 3, `requests: ${JSON.stringify(requests)}`);
    for (const r of requests) {
        assert.equal(r.method, "GET");
        assert.match(r.url, /^\/api\/data\/v9\.2\//);
        assert.equal(r.headers["odata-version"], "4.0");
        assert.equal(r.headers["odata-maxversion"], "4.0");
        assert.equal(r.headers["accept"], "application/json");
    }
    assert.ok(requests.some((r) => r.url.startsWith("/api/data/v9.2/cosell_partnercentersolutions?")));
    await page.close();
});

test("the readiness page shows the checklist and the referral JSON, escaped", async () => {
    const { page } = await openForm(browser.context);
    await page.fill("#f-name", "<img src=x onerror=alert(1)> deal");
    await page.dispatchEvent("#f-name", "change");
    const frame = page.frameLocator("#WebResource_cosell_readiness");
    await frame.locator("#cosell-checklist li").first().waitFor();
    assert.ok((await frame.locator("#cosell-checklist li").count()) >= 10);
    // Each line says what the rule asks for, in words, with ✔ or ✖.
    const lines = await frame.locator("#cosell-checklist li").allTextContents();
    assert.ok(lines.some((l) => l.startsWith("✔ The opportunity has a name")), JSON.stringify(lines));
    assert.ok(lines.every((l) => /^[✔✖] [A-Z]/.test(l)), JSON.stringify(lines));
    await page.waitForFunction(() => {
        const doc = document.querySelector("#WebResource_cosell_readiness").contentDocument;
        return doc.querySelector("#cosell-referral").textContent.includes("<img src=x");
    });
    // The markup is shown as text: no element was created from it.
    assert.equal(await frame.locator("#cosell-referral img").count(), 0);
    await page.close();
});

test("the JS API validates and previews a snapshot", async () => {
    const { page } = await openForm(browser.context);
    const result = await page.evaluate(() => {
        const snapshot = { opportunity: { name: "X", cosell_syncwithpartnercenter: true, cosell_howcanmicrosofthelp: 100000002 } };
        const findings = CoSell.Opportunity.validate(snapshot);
        const referral = CoSell.Opportunity.previewReferral(JSON.stringify(snapshot));
        let error = null;
        try { CoSell.Opportunity.validate({ opportunity: { cosell_howcanmicrosofthelp: "x" } }); } catch (e) { error = e.message; }
        return { rules: findings.map((f) => f.rule), referralType: typeof referral, error };
    });
    assert.ok(result.rules.includes("help-needs-contact"), JSON.stringify(result));
    assert.equal(result.referralType, "object");
    assert.match(result.error, /\$\.opportunity\.cosell_howcanmicrosofthelp/);
    await page.close();
});

test("a save while a just-chosen contact is still loading waits for it, and stays blocked when it fails", async () => {
    const { page, errors } = await openForm(browser.context);
    await choose(page, "cosell_howcanmicrosofthelp", HELP_POC);
    await choose(page, "parentcontactid", ANA);
    await page.click("#add-solution");
    await page.locator("#solutions-rows tr").first().waitFor();
    await page.waitForTimeout(200);
    // Pick a contact without an email and save in the same task, before its row has loaded.
    const first = await page.evaluate((id) => {
        const form = window.demoForm;
        form.formContext.getAttribute("parentcontactid").userSets([{ id, name: "No Email", entityType: "contact" }]);
        return form.save(1);
    }, "c0c0c0c0-0003-4000-8000-000000000003");
    assert.equal(first.saved, false, "the save waits for the contact row");
    await errorsOn(page, "parentcontactid").first().waitFor();
    assert.match(await errorsOn(page, "parentcontactid").first().innerText(), /email/i);
    const saves = await page.evaluate(() => window.demoForm.saves.map((s) => s.saved));
    assert.ok(saves.every((saved) => !saved), `nothing was saved: ${JSON.stringify(saves)}`);
    assert.deepEqual(errors, []);
    await page.close();
});

test("opening a record is never a change: help with hidden visibility is reported, not rewritten", async () => {
    const { page, errors } = await openForm(browser.context);
    const result = await page.evaluate(async (help) => {
        const form = window.demoForm;
        const attribute = (name) => form.formContext.getAttribute(name);
        attribute("cosell_howcanmicrosofthelp")._value = Number(help);
        attribute("cosell_howcanmicrosofthelp")._dirty = false;
        form.load(); // OnLoad again, as after a new record's first save or a refresh
        await new Promise((resolve) => setTimeout(resolve, 400));
        const visibility = attribute("cosell_referralvisibility");
        return { value: visibility.getValue(), dirty: visibility.getIsDirty(), postSave: form.onPostSave.length };
    }, HELP_POC);
    assert.equal(String(result.value), HIDDEN, "visibility is not changed behind the seller's back");
    assert.equal(result.dirty, false);
    assert.equal(result.postSave, 1, "OnPostSave is registered once however often OnLoad runs");
    await errorsOn(page, "cosell_referralvisibility").first().waitFor();
    assert.deepEqual(errors, []);
    await page.close();
});
