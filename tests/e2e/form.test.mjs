// The form plugin's scenarios, run against both Xrm stand-ins (the project's fake and one built on
// npm xrm-mock), with the Web API a real local server (tests/e2e/server.mjs). Each scenario drives
// the form through `window.standIn` and asserts what the seller sees and what is saved.
import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { launch, openForm, settled, STAND_INS } from "./browser.mjs";
import { startServer } from "./server.mjs";

let browser, server;
before(async () => { browser = await launch(); server = await startServer(); });
after(async () => { await server?.close(); await browser?.close(); });
beforeEach(() => server.reset());

const HELP_POC = 100000002;
const HIDDEN = 100000000;
const VISIBLE = 100000001;
const ANA = "c0c0c0c0-0002-4000-8000-000000000002";
const BEN = "c0c0c0c0-0003-4000-8000-000000000003";
const FABRIKAM = "a1b2c3d4-0007-4000-8000-000000000007";
const NORTHWIND = "a1b2c3d4-0008-4000-8000-000000000008";
const contact = (id, name) => [{ id, name, entityType: "contact" }];
const account = (id, name) => [{ id, name, entityType: "account" }];

const notes = (page, f) => page.evaluate((f) => standIn.notifications(f), f);
const formNotes = (page, f) => page.evaluate((f) => standIn.formNotifications(f), f);
const set = (page, column, value, f) => page.evaluate(([c, v, f]) => standIn.set(c, v, f), [column, value, f]);
const save = (page, mode, f) => page.evaluate(([m, f]) => standIn.save(m, f), [mode, f]);
const saves = (page, f) => page.evaluate((f) => standIn.saves(f), f);
const errorsOn = async (page, column, f) => ((await notes(page, f))[column] ?? []).filter((n) => n.level === "ERROR");
const adviceOn = async (page, column, f) => ((await notes(page, f))[column] ?? []).filter((n) => n.level === "RECOMMENDATION");
const allErrors = async (page, f) => Object.values(await notes(page, f)).flat().filter((n) => n.level === "ERROR");
const summary = async (page, f) => (await formNotes(page, f)).find((n) => n.uniqueId === "cosell-summary");

/** Polls `check` (an async function returning truthy) until it holds, or fails with `what`. */
async function eventually(check, what, ms = 5000) {
    const until = Date.now() + ms;
    let last;
    while (Date.now() < until) {
        last = await check();
        if (last) return last;
        await new Promise((r) => setTimeout(r, 25));
    }
    assert.fail(`not within ${ms} ms: ${what}`);
}
const savedCount = async (page, f) => (await saves(page, f)).filter((s) => s.saved).length;

/** A co-sell deal with help, a contact and a solution: nothing to fix. */
async function readyDeal(page) {
    server.addSolution();
    await page.evaluate(() => standIn.refreshGrid());
    await set(page, "cosell_howcanmicrosofthelp", HELP_POC);
    await set(page, "parentcontactid", contact(ANA, "Ana Silva"));
    await settled(server);
}

for (const standIn of STAND_INS) {
    const open = (query, options) => openForm(browser.context, server, standIn, query, options);

    describe(`on ${standIn.name}`, () => {
        test("help chosen without a contact → error on the contact control; contact added → cleared", async () => {
            const { page, errors } = await open();
            assert.equal((await errorsOn(page, "parentcontactid")).length, 0, "no error before help is chosen");
            await set(page, "cosell_howcanmicrosofthelp", HELP_POC);
            const [error] = await errorsOn(page, "parentcontactid");
            assert.match(error.message, /contact/i);
            assert.equal(await page.evaluate(() => standIn.get("cosell_referralvisibility")), VISIBLE, "help makes the referral visible");
            await set(page, "parentcontactid", contact(ANA, "Ana Silva"));
            await eventually(async () => (await errorsOn(page, "parentcontactid")).length === 0, "contact error cleared");
            assert.deepEqual(errors, []);
            await page.close();
        });

        test("no solution → save blocked; solution added → save goes through", async () => {
            const { page, errors } = await open();
            await set(page, "cosell_howcanmicrosofthelp", HELP_POC);
            await set(page, "parentcontactid", contact(ANA, "Ana Silva"));
            await settled(server);
            assert.equal((await save(page)).saved, false);
            assert.match((await summary(page)).message, /solution/i);
            assert.equal((await summary(page)).level, "ERROR");
            await settled(server); // the blocked save read the solutions again: still none
            server.addSolution();
            await page.evaluate(() => standIn.refreshGrid());
            await eventually(async () => (await summary(page)) === undefined, "the problem is gone once the solution is read");
            await save(page);
            assert.equal(await savedCount(page), 1);
            assert.deepEqual(errors, []);
            await page.close();
        });

        test("a referral visible to Microsoft cannot be hidden again", async () => {
            const { page, errors } = await open("?visible=1");
            await set(page, "cosell_referralvisibility", HIDDEN);
            await eventually(() => page.evaluate(() => standIn.get("cosell_referralvisibility") === 100000001), "visibility reverted");
            const note = (await formNotes(page)).find((n) => n.uniqueId === "cosell-visibility");
            assert.match(note.message, /visib/i);
            assert.deepEqual(errors, []);
            await page.close();
        });

        test("Sync = No with help but missing fields → advisories only, and the record saves", async () => {
            const { page, errors } = await open("?sync=no");
            await set(page, "estimatedvalue", null);
            await set(page, "cosell_howcanmicrosofthelp", HELP_POC);
            assert.equal((await adviceOn(page, "parentcontactid")).length, 1);
            assert.equal((await adviceOn(page, "estimatedvalue")).length, 1);
            assert.deepEqual(await allErrors(page), [], "nothing blocks when the deal does not sync");
            assert.match((await summary(page)).message, /not blocked/i);
            assert.equal((await save(page)).saved, true);
            assert.deepEqual(errors, []);
            await page.close();
        });

        test("the Web API is read with OData headers, same origin, v9.2, in parallel", async () => {
            server.script(/./, [], 300);
            const { page } = await open();
            const first = server.requests.slice();
            assert.ok(first.length >= 4, JSON.stringify(first.map((r) => r.url)));
            for (const r of first) {
                assert.equal(r.method, "GET");
                assert.match(r.url, /^\/api\/data\/v9\.2\//);
                assert.equal(r.headers["odata-version"], "4.0");
                assert.equal(r.headers["odata-maxversion"], "4.0");
                assert.equal(r.headers["accept"], "application/json");
            }
            assert.ok(first.some((r) => r.url.startsWith("/api/data/v9.2/cosell_partnercentersolutions?")));
            // Defect 6: the first reads run at once, not one after another.
            const lastStart = Math.max(...first.map((r) => r.started));
            const firstEnd = Math.min(...first.map((r) => r.ended));
            assert.ok(lastStart < firstEnd, `every first read starts before any ends: ${JSON.stringify(first.map((r) => [r.url.slice(16, 40), r.started, r.ended]))}`);
            await page.close();
        });

        test("the readiness page shows the checklist and the referral JSON, escaped", async () => {
            const { page } = await open();
            await set(page, "name", "<img src=x onerror=alert(1)> deal");
            const frame = page.frameLocator("#WebResource_cosell_readiness");
            await frame.locator("#cosell-checklist li").first().waitFor();
            const lines = await frame.locator("#cosell-checklist li").allTextContents();
            assert.ok(lines.length >= 10, JSON.stringify(lines));
            assert.ok(lines.some((l) => l.startsWith("✔ The opportunity has a name")), JSON.stringify(lines));
            assert.ok(lines.every((l) => /^[✔✖] [A-Z]/.test(l)), JSON.stringify(lines));
            await page.waitForFunction(() => document.querySelector("#WebResource_cosell_readiness").contentDocument
                .querySelector("#cosell-referral").textContent.includes("<img src=x"));
            assert.equal(await frame.locator("#cosell-referral img").count(), 0);
            await page.close();
        });

        test("the JS API validates and previews a snapshot", async () => {
            const { page } = await open();
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
            const { page, errors } = await open();
            await readyDeal(page);
            server.script(/contacts\(/, [{ delay: 300 }]);
            const first = await page.evaluate((id) => {
                standIn.set("parentcontactid", [{ id, name: "Ben Okafor", entityType: "contact" }]);
                return standIn.save(1);
            }, BEN);
            assert.equal(first.saved, false, "the save waits for the contact row");
            await eventually(async () => (await errorsOn(page, "parentcontactid")).length === 1, "email error");
            assert.match((await errorsOn(page, "parentcontactid"))[0].message, /email/i);
            assert.equal(await savedCount(page), 0, "nothing was saved");
            assert.deepEqual(errors, []);
            await page.close();
        });

        test("opening a record is never a change: help with hidden visibility is reported, not rewritten", async () => {
            const { page, errors } = await open(`?help=${HELP_POC}`);
            const visibility = await page.evaluate(() => standIn.get("cosell_referralvisibility"));
            assert.equal(visibility, HIDDEN, "visibility is not changed behind the seller's back");
            await page.evaluate(() => standIn.load());
            await settled(server);
            assert.equal(await page.evaluate(() => standIn.onPostSaveCount()), 1, "OnPostSave is registered once however often OnLoad runs");
            assert.equal((await errorsOn(page, "cosell_referralvisibility")).length, 1);
            assert.deepEqual(errors, []);
            await page.close();
        });

        // Defect 1: a new co-sell opportunity and Quick Create.
        test("defect 1: a new co-sell opportunity saves the first time; the solution is advice to add after saving", async () => {
            const { page, errors } = await open("?form=create");
            await set(page, "cosell_howcanmicrosofthelp", HELP_POC);
            await set(page, "parentcontactid", contact(ANA, "Ana Silva"));
            await settled(server);
            assert.deepEqual(await allErrors(page), []);
            assert.match((await summary(page)).message, /save first, then add the solution/i);
            assert.equal((await save(page)).saved, true, "the first save goes through");
            // Saved: the record exists, so the solution can be added now, and the next save needs it.
            await settled(server);
            await eventually(async () => (await summary(page))?.level === "ERROR", "the solution rule applies once the record exists");
            assert.equal((await save(page)).saved, false);
            assert.deepEqual(errors, []);
            await page.close();
        });

        test("defect 1: Quick Create without the visibility column saves a deal with help", async () => {
            const { page, errors } = await open("?form=quickcreate&omit=cosell_referralvisibility");
            await set(page, "cosell_howcanmicrosofthelp", HELP_POC);
            await set(page, "parentcontactid", contact(ANA, "Ana Silva"));
            await settled(server);
            assert.deepEqual(await allErrors(page), []);
            assert.equal((await save(page)).saved, true);
            assert.deepEqual(errors, []);
            await page.close();
        });

        // Defect 2: admin-added choice values.
        test("defect 2: a custom status reason keeps the checks on, before and after a standard one", async () => {
            const { page, errors } = await open("?statuscode=100000003");
            await set(page, "name", "");
            assert.equal((await errorsOn(page, "name")).length, 1, "the checks run with a custom status reason");
            assert.equal((await save(page)).saved, false);
            await set(page, "statuscode", 1);
            assert.equal((await save(page)).saved, false, "still guarded after a standard status");
            await set(page, "name", "Contoso cloud migration");
            assert.equal((await save(page)).saved, true);
            assert.deepEqual(errors, []);
            await page.close();
        });

        test("defect 2: a new How can Microsoft help? option never switches the checks off", async () => {
            const { page, errors } = await open();
            await set(page, "cosell_howcanmicrosofthelp", 100000077);
            await set(page, "estimatedvalue", 0);
            assert.equal((await errorsOn(page, "estimatedvalue")).length, 1, "the deal value is still checked");
            assert.equal((await save(page)).saved, false);
            await set(page, "cosell_howcanmicrosofthelp", HELP_POC);
            assert.equal((await errorsOn(page, "parentcontactid")).length, 1, "a standard option is checked as before");
            assert.deepEqual(errors, []);
            await page.close();
        });

        // Defect 3: failed reads are retried, and the guard returns.
        for (const [what, answer, path] of [
            ["a 500", { status: 500 }, /environmentvariabledefinitions/],
            ["a 401", { status: 401 }, /environmentvariabledefinitions/],
            ["a 403", { status: 403 }, /cosell_partnercentersolutions/],
            ["invalid JSON", { status: 200, body: "<html>gateway</html>" }, /transactioncurrencies/],
            ["a 404 on the account", { status: 404 }, /accounts\(/],
        ]) {
            test(`defect 3: after ${what} the read is retried and the guard returns`, async () => {
                server.script(path, [answer]);
                const { page, errors } = await open();
                const warning = await eventually(async () => (await formNotes(page)).find((n) => n.uniqueId === "cosell-unavailable"), "one warning");
                assert.equal(warning.level, "WARNING");
                assert.match(warning.message, /retrying/i);
                await set(page, "name", "");
                await eventually(async () => !(await formNotes(page)).some((n) => n.uniqueId === "cosell-unavailable"), "warning cleared after the retry", 4000);
                await settled(server);
                assert.equal((await errorsOn(page, "name")).length, 1, "errors are errors again");
                assert.equal((await save(page)).saved, false, "the guard is back");
                assert.ok(server.requests.filter((r) => path.test(r.url)).length >= 2, "read again");
                assert.deepEqual(errors, []);
                await page.close();
            });
        }

        test("defect 3: a read over 15 s is given up, the form stays usable, and the retry restores the guard", async () => {
            server.script(/contacts\(|accounts\(/, [{ delay: 16_000 }]);
            const { page, errors } = await open("", { wait: false });
            await set(page, "name", "");
            assert.equal((await save(page)).saved, false, "waiting for the reads");
            const warning = await eventually(async () => (await formNotes(page)).find((n) => n.uniqueId === "cosell-unavailable"), "timeout warning", 20_000);
            assert.match(warning.message, /15 s/);
            assert.equal((await saves(page)).filter((x) => x.saved).length, 1, "the held save went through: the form stays usable");
            await eventually(async () => !(await formNotes(page)).some((n) => n.uniqueId === "cosell-unavailable"), "recovered", 5000);
            await settled(server);
            assert.equal((await save(page)).saved, false, "guarded again");
            assert.deepEqual(errors, []);
            await page.close();
        });

        // Defect 4: state while loading, after OnLoad again, and per form context.
        test("defect 4: switching the account shows no false country error, and a save then waits and goes through", async () => {
            const { page, errors } = await open();
            server.script(/accounts\(/, [{ delay: 400 }]);
            const outcome = await page.evaluate((id) => {
                standIn.set("parentaccountid", [{ id, name: "Fabrikam GmbH", entityType: "account" }]);
                return standIn.save(1);
            }, FABRIKAM);
            assert.equal((await allErrors(page)).length, 0, "no error while the account row loads");
            assert.equal(outcome.blockedByNotifications, false);
            await eventually(async () => (await savedCount(page)) === 1, "saved once the account arrived");
            assert.deepEqual(await allErrors(page), []);
            assert.deepEqual(errors, []);
            await page.close();
        });

        test("defect 4: OnLoad again after a save clears the notifications of the earlier load", async () => {
            const { page, errors } = await open();
            await set(page, "name", "");
            assert.equal((await errorsOn(page, "name")).length, 1);
            await page.evaluate(() => { standIn.setQuietly("name", "Renamed elsewhere"); standIn.load(); });
            await settled(server);
            await eventually(async () => (await errorsOn(page, "name")).length === 0, "stale error cleared");
            assert.equal(await summary(page), undefined);
            assert.deepEqual(errors, []);
            await page.close();
        });

        test("defect 4: two opportunity form contexts in one window keep their own state", async () => {
            const { page, errors } = await open();
            await set(page, "name", "");
            assert.equal((await errorsOn(page, "name")).length, 1);
            const second = await page.evaluate(() => standIn.openSecond({ name: "Quick deal", cosell_syncwithpartnercenter: false }));
            await settled(server);
            assert.deepEqual(await formNotes(page, second), [], "an ordinary deal in the pane shows nothing");
            assert.equal((await save(page, 1, second)).saved, true);
            await set(page, "name", "Fixed on the main form");
            await eventually(async () => (await errorsOn(page, "name")).length === 0, "the main form's own error cleared");
            assert.equal((await save(page)).saved, true);
            assert.deepEqual(errors, []);
            await page.close();
        });

        // Defect 5: columns the admin left off the form.
        test("defect 5: no currency, close date or deal value control → advice, and the record saves", async () => {
            const { page, errors } = await open("?omit=estimatedvalue,transactioncurrencyid,estimatedclosedate");
            await readyDeal(page);
            assert.deepEqual(await allErrors(page), []);
            const s = await summary(page);
            assert.equal(s.level, "WARNING");
            assert.match(s.message, /not on this form/);
            assert.equal((await save(page)).saved, true);
            assert.deepEqual(errors, []);
            await page.close();
        });

        test("defect 5: help chosen without the visibility column → advice saying so, and the record saves", async () => {
            const { page, errors } = await open("?omit=cosell_referralvisibility");
            await readyDeal(page);
            assert.deepEqual(await allErrors(page), []);
            assert.match((await summary(page)).message, /Referral Visibility is not on this form/);
            assert.equal((await save(page)).saved, true);
            assert.deepEqual(errors, []);
            await page.close();
        });

        // Defect 6.
        test("defect 6: an account fixed elsewhere is read again at save, and the record saves", async () => {
            const { page, errors } = await open(`?account=northwind`);
            assert.equal((await errorsOn(page, "parentaccountid")).length, 1, "no country code");
            assert.equal((await save(page)).saved, false);
            server.update("accounts", "accountid", NORTHWIND, { address1_country: "US" });
            await save(page);
            await eventually(async () => (await savedCount(page)) === 1, "saved once the fixed account was read");
            assert.deepEqual(await allErrors(page), []);
            assert.deepEqual(errors, []);
            await page.close();
        });

        test("defect 6: a save during loading waits for parallel reads, not for one after another", async () => {
            server.script(/./, [], 600);
            const { page, errors } = await open("", { wait: false });
            const started = Date.now();
            assert.equal((await save(page)).saved, false, "held while the checks load");
            await eventually(async () => (await savedCount(page)) === 1, "saved by itself", 4000);
            const took = Date.now() - started;
            assert.ok(took < 1500, `saved after ${took} ms: the reads (600 ms each) did not run one after another`);
            assert.deepEqual(errors, []);
            await page.close();
        });

        for (const form of ["readonly", "disabled"]) {
            test(`defect 6: a ${form} form shows advice, never "fix before saving"`, async () => {
                const { page, errors } = await open(`?form=${form}&help=${HELP_POC}`);
                assert.deepEqual(await allErrors(page), []);
                const s = await summary(page);
                assert.doesNotMatch(s.message, /fix .* before saving/i);
                assert.match((await adviceOn(page, "parentcontactid"))[0].message, /contact/i);
                assert.deepEqual(errors, []);
                await page.close();
            });
        }

        test("defect 6: an opportunity that is not co-sell opens without Partner Center banners", async () => {
            const { page, errors } = await open("?sync=no&omit=estimatedclosedate");
            await set(page, "description", "Edited");
            assert.deepEqual(await formNotes(page), []);
            assert.deepEqual(Object.values(await notes(page)).flat(), []);
            assert.deepEqual(errors, []);
            await page.close();
        });

        test("defect 6: every text is whole, uses labels, and fits Microsoft's advised length", async () => {
            server.script(/transactioncurrencies/, [{ status: 500 }]);
            const { page, errors } = await open("?omit=estimatedclosedate");
            await set(page, "name", "");
            await set(page, "estimatedvalue", 0);
            await set(page, "cosell_howcanmicrosofthelp", HELP_POC);
            await set(page, "cosell_products", "Azure");
            await settled(server);
            await set(page, "cosell_referralvisibility", VISIBLE);
            const control = Object.values(await notes(page)).flat();
            const form = await formNotes(page);
            assert.ok(control.length >= 4 && form.length >= 1, JSON.stringify({ control, form }));
            for (const n of control) {
                const max = n.level === "RECOMMENDATION" ? 50 : 150;
                assert.ok(n.message.length <= max, `${n.message.length} > ${max}: ${n.message}`);
            }
            for (const n of [...control, ...form]) {
                if (n.uniqueId !== "cosell-summary") assert.ok(n.message.length <= 150, n.message);
                assert.doesNotMatch(n.message, /\.\.|…|_|estimatedvalue|parentcontactid/, n.message);
            }
            for (const n of form) assert.ok(n.message.length <= 150, `${n.message.length}: ${n.message}`);
            assert.deepEqual(errors, []);
            await page.close();
        });
    });
}
