/* Wires the demo page: an opportunity record, its attributes bound to the inputs, the fake Xrm,
 * and the form events registered as in the form designer (OnLoad CoSell.Opportunity.onLoad,
 * OnSave CoSell.Opportunity.onSave, "Pass execution context as first parameter").
 * Query options: ?webapi=403 (Web API denies reads), ?webapi=server (a real local server answers),
 * ?visible=1 (stored as visible to Microsoft), ?sync=no, ?form=create|quickcreate|readonly|disabled,
 * ?omit=column,column (columns the admin left off the form), ?account=fabrikam|northwind,
 * ?statuscode=N and ?help=N (stored choice values, custom ones included). */
(function () {
    "use strict";
    var params = new URLSearchParams(location.search);
    var api = window.FakeWebApi;
    var ids = api.ids;
    var HELP = [
        [100000000, "Workload specific value proposition"], [100000001, "Customer technical architecture"],
        [100000002, "Proof of concept or demo"], [100000003, "Quotes or licensing"],
        [100000004, "Post sales customer success"], [100000005, "General or other"]
    ];
    var VISIBILITY = [[100000000, "Not visible to Microsoft sellers"], [100000001, "Visible to Microsoft sellers"]];

    function lookup(id, name, entityType) { return [{ id: "{" + id.toUpperCase() + "}", name: name, entityType: entityType }]; }
    function localDate(text) { var p = text.split("-"); return new Date(+p[0], +p[1] - 1, +p[2]); }

    var FORM_TYPES = { create: 1, quickcreate: 5, readonly: 3, disabled: 4 };
    var formType = FORM_TYPES[params.get("form")] || 2;
    var isNew = formType === 1 || formType === 5;
    var omitted = (params.get("omit") || "").split(",").filter(Boolean);
    var accountId = ids[params.get("account") || "account"] || ids.account;
    var accountName = { "a1b2c3d4-0007-4000-8000-000000000007": "Fabrikam GmbH", "a1b2c3d4-0008-4000-8000-000000000008": "Northwind Traders" }[accountId] || "Contoso Ltd";
    var stored = function (name) { return params.get(name) === null ? null : Number(params.get(name)); };

    var form = new FakeXrm.Form({
        entityName: "opportunity",
        id: isNew ? "" : "{" + ids.opportunity.toUpperCase() + "}",
        formType: formType,
        renderFormNotifications: function (list) {
            var box = document.getElementById("form-notifications");
            box.textContent = "";
            list.forEach(function (n) {
                var div = document.createElement("div");
                div.className = "form-notification " + n.level;
                div.setAttribute("data-unique-id", n.uniqueId);
                div.textContent = n.message;
                box.appendChild(div);
            });
        },
        onSaved: function (outcome) {
            var status = document.getElementById("save-status");
            var time = new Date().toLocaleTimeString();
            status.textContent = outcome.saved ? "Saved " + time
                : outcome.mode === 70 ? "Auto-save skipped " + time
                : "Not saved " + time + (outcome.blockedByNotifications && !outcome.prevented ? " (fix the errors on the form)" : "");
            status.setAttribute("data-outcome", outcome.saved ? "saved" : "cancelled");
            status.setAttribute("data-saves", String(form.saves.filter(function (s) { return s.saved; }).length));
        }
    });

    /* [name, type, initial value, choices for selects] */
    var columns = [
        ["name", "string", "Contoso cloud migration"],
        ["estimatedvalue", "money", 250000],
        ["transactioncurrencyid", "lookup", lookup(ids.usd, "US Dollar", "transactioncurrency"),
            [[ids.usd, "US Dollar"], [ids.eur, "Euro"]]],
        ["estimatedclosedate", "datetime", localDate("2026-03-31")],
        ["parentaccountid", "lookup", lookup(accountId, accountName, "account"), [[ids.account, "Contoso Ltd"], [ids.fabrikam, "Fabrikam GmbH"], [ids.northwind, "Northwind Traders"]]],
        ["parentcontactid", "lookup", null, [[ids.contact, "Ana Silva"], [ids.contactNoEmail, "Ben Okafor"]]],
        ["description", "memo", "Move the Contoso data warehouse to Azure."],
        ["cosell_syncwithpartnercenter", "boolean", params.get("sync") !== "no"],
        ["cosell_howcanmicrosofthelp", "optionset", stored("help"), HELP],
        ["cosell_referralvisibility", "optionset", params.get("visible") === "1" ? 100000001 : 100000000, VISIBILITY],
        ["cosell_referralidentifier", "string", params.get("visible") === "1" ? "b1f4e5a2-7c3d-4e9f-8a6b-2c1d0e9f8a7b" : null],
        ["cosell_referrallink", "string", null],
        ["cosell_microsoftcrmidentifier", "string", null],
        ["cosell_audit", "memo", null],
        ["cosell_products", "string", null],
        ["statecode", "optionset", 0, [[0, "Open"], [1, "Won"], [2, "Lost"]]],
        ["statuscode", "optionset", stored("statuscode") === null ? 1 : stored("statuscode"), [[1, "In Progress"], [2, "On Hold"], [100000003, "Waiting for customer (custom)"]]]
    ];

    columns.forEach(function (c) {
        var name = c[0], type = c[1], value = c[2], choices = c[3] || [];
        var options = type === "optionset" ? choices.map(function (o) { return { value: o[0], text: o[1] }; }) : [];
        var box = document.querySelector('[data-control="' + name + '"]');
        if (omitted.indexOf(name) >= 0) {
            if (box) box.hidden = true;
            return;
        }
        var attribute = new FakeXrm.Attribute(form, name, type, value, options);
        form.attributes[name] = attribute;
        if (!box) return;
        var input = box.querySelector("input, select, textarea");
        var control = new FakeXrm.StandardControl(form, name, attribute, input, box.querySelector(".notifications"));
        form.controls[name] = control;
        control._label = box.querySelector("label").textContent;
        if (input.tagName === "SELECT") {
            var empty = type === "boolean" ? [] : [["", "---"]];
            var list = type === "boolean" ? [["true", "Yes"], ["false", "No"]] : empty.concat(choices);
            list.forEach(function (o) {
                var option = document.createElement("option");
                option.value = String(o[0]);
                option.textContent = o[1];
                input.appendChild(option);
            });
        }
        control.onRender = function () { show(input, type, attribute.getValue()); };
        control.render();
        input.addEventListener("change", function () {
            attribute.userSets(read(input, type, choices));
        });
    });

    function show(input, type, value) {
        if (value === null || value === undefined) { input.value = ""; return; }
        if (type === "lookup") { input.value = value[0].id.replace(/[{}]/g, "").toLowerCase(); return; }
        if (type === "datetime") {
            input.value = value.getFullYear() + "-" + String(value.getMonth() + 1).padStart(2, "0") + "-" + String(value.getDate()).padStart(2, "0");
            return;
        }
        input.value = String(value);
    }

    function read(input, type, choices) {
        var text = input.value;
        if (text === "") return null;
        switch (type) {
            case "money": return Number(text);
            case "boolean": return text === "true";
            case "optionset": return Number(text);
            case "datetime": return localDate(text);
            case "lookup":
                var choice = choices.filter(function (o) { return o[0] === text; })[0];
                var entityType = input.id === "f-parentcontactid" ? "contact" : input.id === "f-parentaccountid" ? "account" : "transactioncurrency";
                return lookup(text, choice ? choice[1] : "", entityType);
            default: return text;
        }
    }

    /* The solutions subgrid and the readiness web resource. */
    var grid = new FakeXrm.GridControl(form, "cosell_partnercentersolutions", function () {
        return api.tables.cosell_partnercentersolutions.map(function (r) {
            return { id: r.cosell_partnercentersolutionid, name: r.cosell_name, entityName: "cosell_partnercentersolution", row: r };
        });
    });
    grid.onRender = function (rows) {
        var body = document.getElementById("solutions-rows");
        body.textContent = "";
        rows.forEach(function (r) {
            var tr = document.createElement("tr");
            [r.row.cosell_solutionid, r.row.cosell_name, r.row.cosell_solutiondetailid.cosell_publishername].forEach(function (text) {
                var td = document.createElement("td");
                td.textContent = text;
                tr.appendChild(td);
            });
            body.appendChild(tr);
        });
    };
    form.controls.cosell_partnercentersolutions = grid;
    var picker = document.getElementById("solution-picker");
    api.catalogue.forEach(function (d, i) {
        var option = document.createElement("option");
        option.value = String(i);
        option.textContent = d.cosell_solutionid + " · " + d.cosell_name;
        picker.appendChild(option);
    });
    document.getElementById("add-solution").addEventListener("click", function () {
        api.addSolution(ids.opportunity, api.catalogue[Number(picker.value)]);
        grid.refresh();
    });
    form.controls.WebResource_cosell_readiness =
        new FakeXrm.WebResourceControl(form, "WebResource_cosell_readiness", document.getElementById("WebResource_cosell_readiness"));

    document.getElementById("save").addEventListener("click", function () { form.formContext.data.entity.save(); });
    document.getElementById("autosave").addEventListener("click", function () { form.save(70); });

    window.Xrm = {
        Utility: { getGlobalContext: function () { return form.globalContext; } },
        Page: form.formContext
    };
    form.idAfterCreate = "{" + ids.opportunity.toUpperCase() + "}";
    window.demoForm = form;

    /* Form Properties → Events, as an administrator registers them. */
    form.onLoad.push(CoSell.Opportunity.onLoad);
    form.onSave.push(CoSell.Opportunity.onSave);
    grid.refresh();
    form.load();
})();
