// An opportunity form built on npm xrm-mock, with the Client API behaviours it lacks patched in
// (each patch names what the documented Client API does), and the same `window.standIn` driver as
// the demo's fake (www/demo/stand-in.js). Query options as for the demo page.
import * as XrmMock from "xrm-mock";

const { XrmMockGenerator, ItemCollectionMock } = XrmMock;
const params = new URLSearchParams(location.search);
const ids = {
    opportunity: "7f3e1c2a-5b6d-4e8f-9a0b-1c2d3e4f5a6b",
    account: "a1b2c3d4-0001-4000-8000-000000000001",
    fabrikam: "a1b2c3d4-0007-4000-8000-000000000007",
    northwind: "a1b2c3d4-0008-4000-8000-000000000008",
    usd: "e1e1e1e1-0004-4000-8000-000000000004",
};
const ACCOUNT_NAMES = { account: "Contoso Ltd", fabrikam: "Fabrikam GmbH", northwind: "Northwind Traders" };
const FORM_TYPES = { create: 1, quickcreate: 5, readonly: 3, disabled: 4 };
const LABELS = {
    name: "Topic", estimatedvalue: "Est. Revenue", transactioncurrencyid: "Currency", estimatedclosedate: "Est. Close Date",
    parentaccountid: "Account", parentcontactid: "Contact", description: "Description",
    cosell_syncwithpartnercenter: "Sync with Partner Center", cosell_howcanmicrosofthelp: "How can Microsoft help?",
    cosell_referralvisibility: "Referral Visibility",
};

const stored = (name) => (params.get(name) === null ? null : Number(params.get(name)));
const lookup = (id, name, entityType) => [{ id: "{" + id.toUpperCase() + "}", name, entityType }];
const localDate = (text) => { const p = text.split("-"); return new Date(+p[0], +p[1] - 1, +p[2]); };

/** [name, xrm-mock attribute class, control class, value] for the main form. */
function mainColumns() {
    const account = params.get("account") || "account";
    const visible = params.get("visible") === "1";
    return [
        ["name", "String", "Contoso cloud migration"],
        ["estimatedvalue", "Number", 250000],
        ["transactioncurrencyid", "Lookup", lookup(ids.usd, "US Dollar", "transactioncurrency")],
        ["estimatedclosedate", "Date", localDate("2026-03-31")],
        ["parentaccountid", "Lookup", lookup(ids[account] || ids.account, ACCOUNT_NAMES[account] || "Contoso Ltd", "account")],
        ["parentcontactid", "Lookup", null],
        ["description", "String", "Move the Contoso data warehouse to Azure."],
        ["cosell_syncwithpartnercenter", "Boolean", params.get("sync") !== "no"],
        ["cosell_howcanmicrosofthelp", "OptionSet", stored("help")],
        ["cosell_referralvisibility", "OptionSet", visible ? 100000001 : 100000000],
        ["cosell_referralidentifier", "String", visible ? "b1f4e5a2-7c3d-4e9f-8a6b-2c1d0e9f8a7b" : null],
        ["cosell_referrallink", "String", null],
        ["cosell_microsoftcrmidentifier", "String", null],
        ["cosell_audit", "String", null],
        ["cosell_products", "String", null],
        ["statecode", "OptionSet", 0],
        ["statuscode", "OptionSet", stored("statuscode") === null ? 1 : stored("statuscode")],
    ];
}

/** A form context of xrm-mock's classes: entity with attributes, ui with controls. */
function buildForm({ id, formType, columns, omit = [], webResource = true }) {
    const attributes = [];
    const controls = [];
    for (const [name, kind, value] of columns) {
        if (omit.includes(name)) continue;
        const attribute = new XrmMock[kind + "AttributeMock"]({ name, value, isDirty: false });
        const control = new XrmMock[kind + "ControlMock"]({ name, attribute, label: LABELS[name] || name, visible: true });
        attribute.controls = new ItemCollectionMock([control]);
        attributes.push(attribute);
        controls.push(control);
    }
    const grid = new XrmMock.GridControlMock({ name: "cosell_partnercentersolutions", onLoadHandlers: [], label: "Partner Center Solutions" });
    controls.push(grid);
    const readiness = new XrmMock.IframeControlMock({ name: "WebResource_cosell_readiness", label: "Co-sell readiness" });
    if (webResource) controls.push(readiness);
    const entity = new XrmMock.EntityMock({ id, entityName: "opportunity", attributes: new ItemCollectionMock(attributes) });
    // getId: "" for a record not created yet (xrm-mock puts a made-up ID there).
    entity.id = id;
    const formSelector = new XrmMock.FormSelectorMock(new ItemCollectionMock([new XrmMock.FormItemMock({ id: "main", label: "Opportunity", formType, currentItem: true })]));
    const ui = new XrmMock.UiMock({ controls: new ItemCollectionMock(controls), formSelector });
    const formContext = new XrmMock.FormContextMock(new XrmMock.DataMock(entity), ui);
    const form = { formContext, entity, ui, grid, readiness, saves: [], onLoad: [] };
    for (const attribute of attributes) attribute._form = form;
    entity._form = form;
    grid._form = form;
    patch(form, formType);
    return form;
}

function eventContext(form, source, eventArgs) {
    const context = new XrmMock.EventContextMock({ context: XrmMockGenerator.context, formContext: form.formContext, eventSource: source, depth: 1 });
    if (eventArgs) context.getEventArgs = () => eventArgs;
    return context;
}

/** Client API behaviours xrm-mock 3.6.2 lacks or gets wrong, patched on this form's objects. */
function patch(form, formType) {
    const { entity, ui, grid, readiness } = form;
    // getFormType: xrm-mock reads it from the form selector's current item, which it may not find.
    if (ui.getFormType() !== formType) ui.getFormType = () => formType;
    // removeOnPostSave/removeOnSave: xrm-mock splices at indexOf (-1 when absent, which removes the
    // last handler); the Client API removes only the handler given.
    const remover = (list) => function (handler) {
        const i = this[list].indexOf(handler);
        if (i >= 0) this[list].splice(i, 1);
    };
    entity.removeOnPostSave = remover("postSaveEventHandlers");
    entity.removeOnSave = remover("saveEventHandlers");
    for (const attribute of entity.attributes.get()) {
        attribute.removeOnChange = remover("eventHandlers");
        // fireOnChange: the event context is the attribute's own form (xrm-mock uses its global one).
        attribute.fireOnChange = function () {
            for (const handler of this.eventHandlers.slice()) handler.call(this, eventContext(form, this));
        };
    }
    // save: OnSave handlers with SaveEventArgs; a control error notification blocks the save
    // ("Setting an error notification on a control will block the form from saving"); a save that
    // goes through clears dirty flags and runs OnPostSave with getIsSaveSuccess() true.
    entity.save = function (saveMode) {
        const mode = saveMode === "saveandclose" ? 2 : saveMode === "saveandnew" ? 59 : typeof saveMode === "number" ? saveMode : 1;
        const context = this.getSaveContext(mode);
        context.formContext = form.formContext;
        for (const handler of this.saveEventHandlers.slice()) handler(context);
        const prevented = context.getEventArgs().isDefaultPrevented();
        const blockedByNotifications = ui.controls.get().some((c) => (c.getNotifications?.() || []).some((n) => n.notificationLevel === "ERROR"));
        const outcome = { mode, saved: !prevented && !blockedByNotifications, prevented, blockedByNotifications };
        form.saves.push(outcome);
        if (outcome.saved) {
            for (const a of this.attributes.get()) a.isDirty = false;
            if (!this.id) this.id = "{" + ids.opportunity.toUpperCase() + "}";
            const post = this.getPostSaveContext();
            post.formContext = form.formContext;
            for (const handler of this.postSaveEventHandlers.slice()) handler(post);
        }
        return outcome;
    };
    // Grid refresh reloads the rows and runs the grid's OnLoad handlers (xrm-mock: not implemented).
    grid.refresh = function () {
        for (const handler of this.onLoadHandlers.slice()) handler(eventContext(form, this));
    };
    // Web resource window: resolves with the iframe's window once loaded (xrm-mock: not implemented).
    readiness.getContentWindow = () => {
        const frame = document.getElementById("WebResource_cosell_readiness");
        if (!frame || form !== forms[0]) return Promise.reject(new Error("no web resource on this form"));
        return new Promise((resolve) => {
            if (frame.contentDocument?.readyState === "complete" && frame.contentWindow.location.href !== "about:blank") resolve(frame.contentWindow);
            else frame.addEventListener("load", () => resolve(frame.contentWindow), { once: true });
        });
    };
    // Form OnLoad, as the form designer registers it ("Pass execution context as first parameter").
    form.load = () => {
        for (const handler of form.onLoad) handler(eventContext(form, form.entity, { getDataLoadState: () => 1 }));
    };
}

XrmMockGenerator.initialise();
// getClientUrl: the org URL, this page's origin (xrm-mock's default context has none).
XrmMockGenerator.context.clientUrl = location.origin;
const formType = FORM_TYPES[params.get("form")] || 2;
const isNew = formType === 1 || formType === 5;
const forms = [buildForm({
    id: isNew ? "" : "{" + ids.opportunity.toUpperCase() + "}",
    formType,
    columns: mainColumns(),
    omit: (params.get("omit") || "").split(",").filter(Boolean),
})];

const toValue = (form, name, value) => {
    const a = form.formContext.getAttribute(name);
    return a && a.getAttributeType() === "datetime" && typeof value === "string" ? localDate(value) : value;
};
const attr = (name, f) => forms[f || 0].formContext.getAttribute(name);

window.standIn = {
    kind: "xrm-mock",
    start() {
        for (const form of forms) {
            form.onLoad.push(CoSell.Opportunity.onLoad);
            form.entity.addOnSave(CoSell.Opportunity.onSave);
            form.load();
        }
    },
    set(name, value, f) {
        const a = attr(name, f);
        a.setValue(toValue(forms[f || 0], name, value));
        a.fireOnChange();
    },
    get(name, f) { const a = attr(name, f); return a ? a.getValue() : undefined; },
    setQuietly(name, value, f) { const a = attr(name, f); a.setValue(toValue(forms[f || 0], name, value)); a.isDirty = false; },
    save(mode, f) { return forms[f || 0].entity.save(mode || 1); },
    saves(f) { return forms[f || 0].saves.slice(); },
    load(f) { forms[f || 0].load(); },
    refreshGrid() { forms[0].grid.refresh(); },
    notifications(f) {
        const out = {};
        for (const c of forms[f || 0].ui.controls.get()) {
            if (!c.getNotifications) continue;
            out[c.getName()] = (c.getNotifications() || []).map((n) => ({ level: n.notificationLevel, message: n.messages[0], uniqueId: n.uniqueId }));
        }
        return out;
    },
    formNotifications(f) {
        return (forms[f || 0].ui.formNotifications || []).map((n) => ({ level: n.level, message: n.message, uniqueId: n.uniqueId }));
    },
    onPostSaveCount(f) { return forms[f || 0].entity.postSaveEventHandlers.length; },
    openSecond(values) {
        const columns = Object.entries(values).map(([name, v]) => [name, typeof v === "boolean" ? "Boolean" : Array.isArray(v) ? "Lookup" : typeof v === "number" ? "OptionSet" : "String", v]);
        const form = buildForm({ id: "", formType: 5, columns, webResource: false });
        forms.push(form);
        form.onLoad.push(CoSell.Opportunity.onLoad);
        form.entity.addOnSave(CoSell.Opportunity.onSave);
        form.load();
        return forms.length - 1;
    },
};
