/* The e2e tests' driver for the demo's fake Xrm: the same `window.standIn` surface as the xrm-mock
 * page (tests/e2e/xrm-mock/), so every scenario runs against both stand-ins.
 * Columns are logical names; values are what getValue() returns (lookups as [{id, name, entityType}],
 * dates as "YYYY-MM-DD", which is turned into a local Date). */
(function () {
    "use strict";
    var main = window.demoForm;
    var forms = [main];

    function toValue(form, name, value) {
        var attribute = form.attributes[name];
        if (attribute && attribute.getAttributeType() === "datetime" && typeof value === "string") {
            var p = value.split("-");
            return new Date(+p[0], +p[1] - 1, +p[2]);
        }
        return value;
    }

    function controlNotes(control) {
        return control.notifications().map(function (n) { return { level: n.level, message: n.message, uniqueId: n.uniqueId }; });
    }

    window.standIn = {
        kind: "project fake",
        /* A seller's edit: value, dirty, OnChange. */
        set: function (name, value, f) {
            var form = forms[f || 0];
            form.attributes[name].userSets(toValue(form, name, value));
        },
        get: function (name, f) {
            var a = forms[f || 0].attributes[name];
            return a ? a.getValue() : undefined;
        },
        /* A value changed without OnChange (as another script or a refresh does). */
        setQuietly: function (name, value, f) {
            var a = forms[f || 0].attributes[name];
            a._value = toValue(forms[f || 0], name, value);
            a._dirty = false;
        },
        save: function (mode, f) { return forms[f || 0].save(mode || 1); },
        saves: function (f) { return forms[f || 0].saves.slice(); },
        load: function (f) { forms[f || 0].load(); },
        refreshGrid: function () { main.controls.cosell_partnercentersolutions.refresh(); },
        /* Notifications per control: { column: [{level, message, uniqueId}] }. */
        notifications: function (f) {
            var form = forms[f || 0];
            var out = {};
            Object.keys(form.controls).forEach(function (name) {
                var c = form.controls[name];
                if (c.notifications) out[name] = controlNotes(c);
            });
            return out;
        },
        formNotifications: function (f) {
            return forms[f || 0].formNotifications.map(function (n) { return { level: n.level, message: n.message, uniqueId: n.uniqueId }; });
        },
        onPostSaveCount: function (f) { return forms[f || 0].onPostSave.length; },
        /* A second opportunity form context in this window (as a Quick Create pane gives): a new
         * record with the given values; returns its index. */
        openSecond: function (values) {
            var form = new FakeXrm.Form({ entityName: "opportunity", id: "", formType: 5 });
            Object.keys(values).forEach(function (name) {
                var v = values[name];
                var type = typeof v === "boolean" ? "boolean" : Array.isArray(v) ? "lookup" : typeof v === "number" ? "optionset" : "string";
                var attribute = new FakeXrm.Attribute(form, name, type, v);
                form.attributes[name] = attribute;
                form.controls[name] = new FakeXrm.StandardControl(form, name, attribute, null, null);
            });
            form.onLoad.push(CoSell.Opportunity.onLoad);
            form.onSave.push(CoSell.Opportunity.onSave);
            forms.push(form);
            form.load();
            return forms.length - 1;
        }
    };
})();
