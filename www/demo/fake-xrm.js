/* A small fake of the Dynamics 365 Client API (Xrm) for the demo page and the browser tests.
 * Its surface follows @types/xrm 9.0.97 for what a form script uses: executionContext,
 * formContext.getAttribute/getControl, data.entity (getId, save, addOnSave, addOnPostSave),
 * ui (setFormNotification, clearFormNotification, getFormType), attributes (getValue, setValue,
 * addOnChange, fireOnChange, controls), standard controls (setNotification, addNotification,
 * clearNotification, setDisabled), grid controls (addOnLoad, refresh, getGrid) and web resource
 * controls (getContentWindow). As in Dynamics 365: setValue does not fire OnChange, a user edit
 * does; an ERROR notification on a control blocks saving; preventDefault works only synchronously. */
(function (root) {
    "use strict";

    function ItemCollection(items) { this._items = items; }
    ItemCollection.prototype.forEach = function (delegate) {
        this._items.forEach(function (item, index) { delegate(item, index); });
    };
    ItemCollection.prototype.get = function (arg) {
        if (arg === undefined) return this._items.slice();
        if (typeof arg === "number") return this._items[arg] || null;
        if (typeof arg === "function") return this._items.filter(arg);
        return this._items.filter(function (i) { return i.getName() === arg; })[0] || null;
    };
    ItemCollection.prototype.getLength = function () { return this._items.length; };

    function timed(list, fn, context) {
        var start = performance.now();
        try { fn(context); } finally { list.push(performance.now() - start); }
    }

    /* ---------- the form ---------- */

    function Form(options) {
        this.entityName = options.entityName;
        this.id = options.id;
        this.formType = options.formType;
        this.attributes = {};
        this.controls = {};
        this.onSave = [];
        this.onPostSave = [];
        this.onLoad = [];
        this.formNotifications = [];
        this.saves = [];
        this.timings = { onChange: [], onSave: [], onLoad: [] };
        this.renderFormNotifications = options.renderFormNotifications || function () {};
        this.onSaved = options.onSaved || function () {};
        var form = this;
        this.globalContext = {
            getClientUrl: function () { return root.location.origin; },
            getVersion: function () { return "9.2.0.0"; },
            userSettings: { languageId: 1033 }
        };
        this.formContext = {
            getAttribute: function (name) {
                if (name === undefined) return Object.keys(form.attributes).map(function (k) { return form.attributes[k]; });
                return form.attributes[name] || null;
            },
            getControl: function (name) {
                if (name === undefined) return Object.keys(form.controls).map(function (k) { return form.controls[k]; });
                return form.controls[name] || null;
            },
            data: {
                entity: {
                    getId: function () { return form.id; },
                    getEntityName: function () { return form.entityName; },
                    getIsDirty: function () { return form.isDirty(); },
                    getPrimaryAttributeValue: function () { return form.attributes.name ? form.attributes.name.getValue() : null; },
                    addOnSave: function (h) { form.onSave.push(h); },
                    removeOnSave: function (h) { form.onSave = form.onSave.filter(function (x) { return x !== h; }); },
                    addOnPostSave: function (h) { form.onPostSave.push(h); },
                    removeOnPostSave: function (h) { form.onPostSave = form.onPostSave.filter(function (x) { return x !== h; }); },
                    save: function (mode) {
                        form.save(mode === "saveandclose" ? 2 : mode === "saveandnew" ? 59 : 1);
                    },
                    attributes: null
                },
                getIsDirty: function () { return form.isDirty(); },
                save: function () { return Promise.resolve(form.save(1)); },
                refresh: function () { return Promise.resolve(); }
            },
            ui: {
                setFormNotification: function (message, level, uniqueId) {
                    form.formNotifications = form.formNotifications.filter(function (n) { return n.uniqueId !== uniqueId; });
                    form.formNotifications.unshift({ message: String(message), level: level, uniqueId: uniqueId });
                    form.renderFormNotifications(form.formNotifications);
                    return true;
                },
                clearFormNotification: function (uniqueId) {
                    var before = form.formNotifications.length;
                    form.formNotifications = form.formNotifications.filter(function (n) { return n.uniqueId !== uniqueId; });
                    form.renderFormNotifications(form.formNotifications);
                    return before !== form.formNotifications.length;
                },
                getFormType: function () { return form.formType; }
            }
        };
    }

    Form.prototype.eventContext = function (source, eventArgs) {
        var form = this;
        return {
            getFormContext: function () { return form.formContext; },
            getContext: function () { return form.globalContext; },
            getEventSource: function () { return source; },
            getEventArgs: function () { return eventArgs || null; },
            getDepth: function () { return 0; },
            getSharedVariable: function () { return undefined; },
            setSharedVariable: function () {}
        };
    };

    Form.prototype.isDirty = function () {
        var a = this.attributes;
        return Object.keys(a).some(function (k) { return a[k].getIsDirty(); });
    };

    /* The form designer's OnLoad registrations: "Pass execution context as first parameter". */
    Form.prototype.load = function () {
        var form = this;
        this.onLoad.forEach(function (h) {
            timed(form.timings.onLoad, h, form.eventContext(form.formContext.data.entity, {
                getDataLoadState: function () { return 1; }
            }));
        });
    };

    /* Saving: OnSave handlers (any may cancel synchronously); control errors block the save. */
    Form.prototype.save = function (saveMode) {
        var form = this;
        var prevented = false;
        var args = {
            getSaveMode: function () { return saveMode; },
            preventDefault: function () { prevented = true; },
            preventDefaultOnError: function () {},
            isDefaultPrevented: function () { return prevented; },
            disableAsyncTimeout: function () {}
        };
        this.onSave.forEach(function (h) {
            timed(form.timings.onSave, h, form.eventContext(form.formContext.data.entity, args));
        });
        var errors = Object.keys(this.controls).some(function (k) { return form.controls[k].hasErrors(); });
        var outcome = { mode: saveMode, saved: !prevented && !errors, prevented: prevented, blockedByNotifications: errors };
        this.saves.push(outcome);
        if (outcome.saved) {
            Object.keys(this.attributes).forEach(function (k) { form.attributes[k]._dirty = false; });
            if (!this.id && this.idAfterCreate) this.id = this.idAfterCreate;
            this.onPostSave.forEach(function (h) {
                h(form.eventContext(form.formContext.data.entity, {
                    getIsSaveSuccess: function () { return true; },
                    getSaveErrorInfo: function () { return null; },
                    getEntityReference: function () { return { id: form.id, entityType: form.entityName }; }
                }));
            });
        }
        this.onSaved(outcome);
        return outcome;
    };

    /* ---------- attributes ---------- */

    function Attribute(form, name, type, value, options) {
        this._form = form;
        this._name = name;
        this._type = type;
        this._value = value === undefined ? null : value;
        this._dirty = false;
        this._handlers = [];
        this._controls = [];
        this._options = options || [];
        this._required = "none";
        this.controls = new ItemCollection(this._controls);
    }
    Attribute.prototype.getName = function () { return this._name; };
    Attribute.prototype.getAttributeType = function () { return this._type; };
    Attribute.prototype.getFormat = function () { return this._type === "datetime" ? "date" : null; };
    Attribute.prototype.getValue = function () { return this._value; };
    Attribute.prototype.setValue = function (value) {
        this._value = value === undefined ? null : value;
        this._dirty = true;
        this._controls.forEach(function (c) { c.render(); });
    };
    Attribute.prototype.getIsDirty = function () { return this._dirty; };
    Attribute.prototype.getRequiredLevel = function () { return this._required; };
    Attribute.prototype.setRequiredLevel = function (level) { this._required = level; };
    Attribute.prototype.getSubmitMode = function () { return "dirty"; };
    Attribute.prototype.setSubmitMode = function () {};
    Attribute.prototype.getOptions = function () { return this._options.slice(); };
    Attribute.prototype.getText = function () {
        var v = this._value;
        var o = this._options.filter(function (x) { return x.value === v; })[0];
        return o ? o.text : null;
    };
    Attribute.prototype.addOnChange = function (h) { this._handlers.push(h); };
    Attribute.prototype.removeOnChange = function (h) { this._handlers = this._handlers.filter(function (x) { return x !== h; }); };
    Attribute.prototype.fireOnChange = function () {
        var attribute = this;
        var form = this._form;
        this._handlers.slice().forEach(function (h) {
            timed(form.timings.onChange, h, form.eventContext(attribute));
        });
    };
    /* What Dynamics does when the user edits the control: value, dirty, then OnChange. */
    Attribute.prototype.userSets = function (value) {
        this.setValue(value);
        this.fireOnChange();
    };

    /* ---------- controls ---------- */

    function StandardControl(form, name, attribute, element, notificationsElement) {
        this._form = form;
        this._name = name;
        this._attribute = attribute;
        this._element = element;
        this._notificationsElement = notificationsElement;
        this._notifications = [];
        this._disabled = false;
        if (attribute) attribute._controls.push(this);
    }
    StandardControl.prototype.getName = function () { return this._name; };
    StandardControl.prototype.getControlType = function () { return this._attribute && this._attribute.getAttributeType() === "lookup" ? "lookup" : "standard"; };
    StandardControl.prototype.getAttribute = function () { return this._attribute; };
    StandardControl.prototype.getVisible = function () { return true; };
    StandardControl.prototype.getDisabled = function () { return this._disabled; };
    StandardControl.prototype.setDisabled = function (disabled) {
        this._disabled = !!disabled;
        if (this._element) this._element.disabled = this._disabled;
    };
    StandardControl.prototype.setFocus = function () { if (this._element) this._element.focus(); };
    StandardControl.prototype.getLabel = function () { return this._label || this._name; };
    StandardControl.prototype.setNotification = function (message, uniqueId) {
        this._set({ level: "ERROR", message: String(message), uniqueId: uniqueId });
        return true;
    };
    StandardControl.prototype.addNotification = function (notification) {
        if (!notification || !notification.messages || !notification.uniqueId) throw new Error("addNotification: messages and uniqueId are required");
        this._set({ level: notification.notificationLevel || "ERROR", message: String(notification.messages[0]), uniqueId: notification.uniqueId });
    };
    StandardControl.prototype.clearNotification = function (uniqueId) {
        var before = this._notifications.length;
        this._notifications = uniqueId === undefined ? [] : this._notifications.filter(function (n) { return n.uniqueId !== uniqueId; });
        this.renderNotifications();
        return before !== this._notifications.length;
    };
    StandardControl.prototype._set = function (n) {
        this._notifications = this._notifications.filter(function (x) { return x.uniqueId !== n.uniqueId; });
        this._notifications.push(n);
        this.renderNotifications();
    };
    StandardControl.prototype.hasErrors = function () {
        return this._notifications.some(function (n) { return n.level === "ERROR"; });
    };
    StandardControl.prototype.notifications = function () { return this._notifications.slice(); };
    StandardControl.prototype.render = function () { if (this.onRender) this.onRender(); };
    StandardControl.prototype.renderNotifications = function () {
        var box = this._notificationsElement;
        if (!box) return;
        box.textContent = "";
        this._notifications.forEach(function (n) {
            var div = document.createElement("div");
            div.className = "notification " + (n.level === "ERROR" ? "error" : "recommendation");
            div.setAttribute("data-unique-id", n.uniqueId);
            div.textContent = (n.level === "ERROR" ? "✖ " : "💡 ") + n.message;
            box.appendChild(div);
        });
    };

    /* A subgrid: rows come from a loader; refresh() reloads them and fires the grid's OnLoad. */
    function GridControl(form, name, loadRows) {
        this._form = form;
        this._name = name;
        this._loadRows = loadRows;
        this._rows = [];
        this._onLoad = [];
    }
    GridControl.prototype.getName = function () { return this._name; };
    GridControl.prototype.getControlType = function () { return "subgrid"; };
    GridControl.prototype.getVisible = function () { return true; };
    GridControl.prototype.addOnLoad = function (h) { this._onLoad.push(h); };
    GridControl.prototype.removeOnLoad = function (h) { this._onLoad = this._onLoad.filter(function (x) { return x !== h; }); };
    GridControl.prototype.hasErrors = function () { return false; };
    GridControl.prototype.getGrid = function () {
        var rows = this._rows.map(function (row) {
            var entity = {
                getId: function () { return row.id; },
                getEntityName: function () { return row.entityName; },
                getPrimaryAttributeValue: function () { return row.name; },
                getEntityReference: function () { return { id: row.id, name: row.name, entityType: row.entityName }; }
            };
            return { data: { entity: entity }, getData: function () { return { getEntity: function () { return entity; } }; } };
        });
        return {
            getRows: function () { return new ItemCollection(rows); },
            getSelectedRows: function () { return new ItemCollection([]); },
            getTotalRecordCount: function () { return rows.length; }
        };
    };
    GridControl.prototype.refresh = function () {
        var grid = this;
        this._rows = this._loadRows();
        if (this.onRender) this.onRender(this._rows);
        this._onLoad.slice().forEach(function (h) { h(grid._form.eventContext(grid)); });
    };

    /* A web resource control (an iframe): getContentWindow resolves once the page has loaded. */
    function WebResourceControl(form, name, iframe) {
        this._form = form;
        this._name = name;
        this._iframe = iframe;
        var control = this;
        this._loaded = new Promise(function (resolve) {
            if (iframe.contentDocument && iframe.contentDocument.readyState === "complete" && iframe.contentWindow.location.href !== "about:blank") resolve();
            iframe.addEventListener("load", function () { resolve(); });
        }).then(function () { return control._iframe.contentWindow; });
    }
    WebResourceControl.prototype.getName = function () { return this._name; };
    WebResourceControl.prototype.getControlType = function () { return "webresource"; };
    WebResourceControl.prototype.getVisible = function () { return true; };
    WebResourceControl.prototype.hasErrors = function () { return false; };
    WebResourceControl.prototype.getContentWindow = function () { return this._loaded; };
    WebResourceControl.prototype.getSrc = function () { return this._iframe.src; };

    root.FakeXrm = {
        Form: Form,
        Attribute: Attribute,
        StandardControl: StandardControl,
        GridControl: GridControl,
        WebResourceControl: WebResourceControl,
        ItemCollection: ItemCollection
    };
})(window);
