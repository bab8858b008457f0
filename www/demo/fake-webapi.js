/* Canned Dataverse Web API (/api/data/v9.2/) for the demo: answers the page's fetch() calls
 * from the tables below, and records every request (URL and headers) for the tests.
 * `?webapi=403` makes every request fail as a user without read privileges would see it;
 * `?webapi=server` leaves fetch alone: a real local Web API server answers (the e2e tests'
 * tests/e2e/server.mjs, which answers from these same tables). */
(function (root) {
    "use strict";
    var params = new URLSearchParams(root.location.search);
    var failWith = params.get("webapi");

    var ids = {
        opportunity: "7f3e1c2a-5b6d-4e8f-9a0b-1c2d3e4f5a6b",
        account: "a1b2c3d4-0001-4000-8000-000000000001",
        contact: "c0c0c0c0-0002-4000-8000-000000000002",
        contactNoEmail: "c0c0c0c0-0003-4000-8000-000000000003",
        usd: "e1e1e1e1-0004-4000-8000-000000000004",
        eur: "e1e1e1e1-0005-4000-8000-000000000005",
        solutionDetail: "d5d5d5d5-0006-4000-8000-000000000006",
        fabrikam: "a1b2c3d4-0007-4000-8000-000000000007",
        northwind: "a1b2c3d4-0008-4000-8000-000000000008"
    };

    var tables = {
        environmentvariabledefinitions: [
            { schemaname: "cosell_DealValueColumn", defaultvalue: "estimatedvalue",
              environmentvariabledefinition_environmentvariablevalue: [] },
            { schemaname: "cosell_CountryCodeColumn", defaultvalue: "address1_country",
              environmentvariabledefinition_environmentvariablevalue: [] },
            { schemaname: "cosell_DisplayCheckMark", defaultvalue: "yes",
              environmentvariabledefinition_environmentvariablevalue: [{ value: "no" }] }
        ],
        accounts: [
            { accountid: ids.account, name: "Contoso Ltd", address1_line1: "1 Microsoft Way", address1_city: "Redmond",
              address1_stateorprovince: "WA", address1_postalcode: "98052", address1_country: "US", numberofemployees: 1200 },
            { accountid: ids.fabrikam, name: "Fabrikam GmbH", address1_line1: "Hauptstrasse 1", address1_city: "Berlin",
              address1_postalcode: "10115", address1_country: "DE", numberofemployees: 300 },
            { accountid: ids.northwind, name: "Northwind Traders", address1_city: "Seattle", address1_country: null }
        ],
        contacts: [
            { contactid: ids.contact, firstname: "Ana", lastname: "Silva", emailaddress1: "ana.silva@contoso.example",
              telephone1: "+1 425 555 0100", jobtitle: "CIO" },
            { contactid: ids.contactNoEmail, firstname: "Ben", lastname: "Okafor", emailaddress1: null,
              telephone1: null, jobtitle: "Buyer" }
        ],
        transactioncurrencies: [
            { transactioncurrencyid: ids.usd, isocurrencycode: "USD" },
            { transactioncurrencyid: ids.eur, isocurrencycode: "EUR" }
        ],
        cosell_partnercentersolutions: []
    };

    var catalogue = [
        { cosell_solutionid: "SOL-34104-EBB", cosell_name: "Contoso Data Platform on Azure", cosell_publishername: "Fabrikam Partners", cosell_solutiontype: "3P" },
        { cosell_solutionid: "SOL-20031-AZM", cosell_name: "Azure Migrate", cosell_publishername: "Microsoft", cosell_solutiontype: "1P" }
    ];

    var requests = [];

    function json(status, body) {
        return new Response(JSON.stringify(body), {
            status: status,
            headers: { "Content-Type": "application/json; odata.metadata=minimal", "OData-Version": "4.0" }
        });
    }

    function answer(url) {
        var path = decodeURIComponent(url.pathname.replace(/^\/api\/data\/v9\.2\//, ""));
        var single = /^(\w+)\(([0-9a-f-]{36})\)$/.exec(path);
        if (single) {
            var rows = tables[single[1]];
            var key = single[1] === "accounts" ? "accountid" : single[1] === "contacts" ? "contactid" : "transactioncurrencyid";
            var row = rows && rows.filter(function (r) { return r[key] === single[2]; })[0];
            return row ? json(200, row) : json(404, { error: { code: "0x80040217", message: single[1] + " With Id = " + single[2] + " Does Not Exist" } });
        }
        if (tables[path]) {
            var filter = url.searchParams.get("$filter") || "";
            var result = tables[path];
            if (path === "cosell_partnercentersolutions") {
                var m = /_cosell_opportunityid_value eq ([0-9a-f-]{36})/.exec(filter);
                result = result.filter(function (r) { return m && r._cosell_opportunityid_value === m[1]; });
            }
            return json(200, { "@odata.context": url.origin + "/api/data/v9.2/$metadata#" + path, value: result });
        }
        return json(404, { error: { code: "0x8006088a", message: "Resource not found for the segment '" + path + "'." } });
    }

    var realFetch = root.fetch.bind(root);
    if (failWith !== "server") root.fetch = function (input, init) {
        var request = input instanceof Request ? input : new Request(input, init);
        var url = new URL(request.url, root.location.href);
        if (url.origin !== root.location.origin || url.pathname.indexOf("/api/data/v9.2/") !== 0) return realFetch(input, init);
        var headers = {};
        request.headers.forEach(function (value, name) { headers[name] = value; });
        requests.push({ method: request.method, url: url.pathname + url.search, headers: headers });
        return new Promise(function (resolve) {
            // Answer a little later, as a network would.
            setTimeout(function () {
                if (failWith === "403") {
                    resolve(json(403, { error: { code: "0x80040220", message: "Principal user is missing prvReadcosell_partnercentersolution privilege." } }));
                } else if (failWith === "offline") {
                    resolve(Promise.reject(new TypeError("Failed to fetch")));
                } else {
                    resolve(answer(url));
                }
            }, 5);
        });
    };

    root.FakeWebApi = {
        ids: ids,
        tables: tables,
        catalogue: catalogue,
        requests: requests,
        answer: answer,
        /* What the user does in the solutions subgrid: add a row for the opportunity. */
        addSolution: function (opportunityId, detail) {
            var n = tables.cosell_partnercentersolutions.length + 1;
            tables.cosell_partnercentersolutions.push({
                cosell_partnercentersolutionid: "f0f0f0f0-0000-4000-8000-00000000000" + n,
                cosell_name: detail.cosell_name,
                cosell_solutionid: detail.cosell_solutionid,
                _cosell_opportunityid_value: opportunityId,
                cosell_solutiondetailid: { cosell_solutionid: detail.cosell_solutionid, cosell_name: detail.cosell_name,
                    cosell_publishername: detail.cosell_publishername, cosell_solutiontype: detail.cosell_solutiontype }
            });
        }
    };
})(window);
