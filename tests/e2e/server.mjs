// A real local server for the e2e tests: the demo and xrm-mock pages, the built web resources,
// and a Dataverse Web API on /api/data/v9.2/ answering over HTTP with real status codes and
// delays. Its rows and OData answers come from www/demo/fake-webapi.js (run here in a VM, so the
// demo and the tests share one data set); tests script failures and delays per request.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { join, extname, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
export const root = process.env.COSELL_ROOT ?? join(here, "../..");
/** Where the web resources come from (COSELL_WEBRESOURCES lets a run use another build, such as main's). */
const webresources = process.env.COSELL_WEBRESOURCES ?? join(root, "dist/webresources/cosell_");
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".json": "application/json", ".png": "image/png" };

/** The canned Web API: a fresh copy of the demo's tables. */
function cannedApi() {
    const source = readFileSync(join(root, "www/demo/fake-webapi.js"), "utf8");
    const window = { location: { search: "?webapi=server", href: "http://127.0.0.1/", origin: "http://127.0.0.1" }, fetch: () => {} };
    vm.runInNewContext(source, { window, URLSearchParams, Response, Request, URL, setTimeout, decodeURIComponent, JSON });
    return window.FakeWebApi;
}

export async function startServer() {
    const bundle = await build({
        entryPoints: [join(here, "xrm-mock/harness.mjs")], bundle: true, format: "iife", write: false,
        nodePaths: [join(here, "node_modules")], logLevel: "silent",
    });
    const harness = bundle.outputFiles[0].text;
    let api = cannedApi();
    /** [{ match: RegExp, answers: [{status?, body?, delay?}], delay?: ms }] — scripted answers, first match wins. */
    let scripts = [];
    const requests = [];

    async function answerApi(req, res, url) {
        const started = Date.now();
        const entry = { method: req.method, url: url.pathname + url.search, headers: req.headers, started, ended: null, status: null };
        requests.push(entry);
        // A request the client gave up on (a timeout) is over when its connection closes.
        res.on("close", () => { entry.ended ??= Date.now(); });
        const script = scripts.find((s) => s.match.test(entry.url) && (s.answers.length > 0 || s.delay));
        const scripted = script?.answers.shift();
        const delay = scripted?.delay ?? script?.delay ?? 5;
        await new Promise((r) => setTimeout(r, delay));
        let status, body;
        if (scripted?.status || scripted?.body !== undefined) {
            status = scripted.status ?? 200;
            body = scripted.body ?? JSON.stringify({ error: { code: "0x80040216", message: "An unexpected error occurred." } });
        } else {
            const response = api.answer(new URL(entry.url, "http://127.0.0.1"));
            status = response.status;
            body = await response.text();
        }
        if (res.destroyed) return;
        res.writeHead(status, { "Content-Type": "application/json; odata.metadata=minimal", "OData-Version": "4.0", "Cache-Control": "no-store" });
        res.end(body);
        entry.ended = Date.now();
        entry.status = status;
    }

    async function serveFile(res, file) {
        try {
            const body = await readFile(file);
            res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store",
                "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" });
            res.end(body);
        } catch {
            res.writeHead(404, { "Content-Type": "text/plain" });
            res.end("not found");
        }
    }

    const server = createServer((req, res) => {
        const url = new URL(req.url, "http://127.0.0.1");
        const path = decodeURIComponent(url.pathname);
        if (path.includes("..")) { res.writeHead(400); res.end(); return; }
        if (path.startsWith("/api/data/v9.2/")) { answerApi(req, res, url); return; }
        if (path === "/xrm-mock/harness.js") {
            res.writeHead(200, { "Content-Type": TYPES[".js"], "Cache-Control": "no-store" });
            res.end(harness);
            return;
        }
        if (path.startsWith("/webresources/cosell_/")) { serveFile(res, join(webresources, path.slice("/webresources/cosell_/".length))); return; }
        if (path.startsWith("/xrm-mock/")) { serveFile(res, join(here, path.slice(1))); return; }
        serveFile(res, join(root, "www/demo", path === "/" ? "index.html" : path.slice(1)));
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${server.address().port}/`;
    return {
        url,
        ids: api.ids,
        requests,
        /** A fresh data set and no scripts (each test starts from the same rows). */
        reset() { api = cannedApi(); scripts = []; requests.length = 0; },
        /** The next requests whose path and query match `match` get `answers`, in order. */
        script(match, answers, delay) { scripts.push({ match, answers: [...answers], delay }); },
        /** A row changed elsewhere (another user, another form). */
        update(table, key, id, changes) { Object.assign(api.tables[table].find((r) => r[key] === id), changes); },
        addSolution(index = 0) { api.addSolution(api.ids.opportunity, api.catalogue[index]); },
        close() { server.closeAllConnections?.(); return new Promise((resolve) => server.close(resolve)); },
    };
}
