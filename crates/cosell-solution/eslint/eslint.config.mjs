// The web-resource rules of Microsoft's solution checker, offline: every rule of
// @microsoft/eslint-plugin-power-apps as an error, over the built web resources
// (`cargo xtask test` runs it on dist/webresources/cosell_/opportunity.js and the inline
// scripts of readiness.html). No rule is turned off.
//
// One rule is wrapped: do-not-make-parent-assumption 0.5.1 looks names up with `name in {}`,
// so any expression starting with a name Object.prototype has (`toString.call(v)`, which
// wasm-bindgen's glue writes) counts as a `parent` variable, and is reported with no term
// ("Usage of '{{ arg0 }}'"). The wrapper drops exactly those reports (no matched term); every
// real use of parent, window.parent, this.parent or opener is still an error.
import powerApps from "@microsoft/eslint-plugin-power-apps";

const PARENT_RULE = "do-not-make-parent-assumption";

function withoutPrototypeMatches(rule) {
    return {
        meta: rule.meta,
        create(context) {
            const filtered = Object.create(context, {
                report: {
                    value(descriptor) {
                        if (descriptor.data && typeof descriptor.data.arg0 === "string") context.report(descriptor);
                    },
                },
            });
            return rule.create(filtered);
        },
    };
}

const plugin = {
    ...powerApps,
    rules: { ...powerApps.rules, [PARENT_RULE]: withoutPrototypeMatches(powerApps.rules[PARENT_RULE]) },
};

const rules = Object.fromEntries(Object.keys(plugin.rules).map((name) => [`@microsoft/power-apps/${name}`, "error"]));

export default [
    {
        files: ["**/*.js"],
        languageOptions: { ecmaVersion: "latest", sourceType: "script" },
        linterOptions: { reportUnusedDisableDirectives: "error" },
        plugins: { "@microsoft/power-apps": plugin },
        rules,
    },
];
