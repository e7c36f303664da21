import Testing
@testable import APICensusCore

@Suite struct SpecMatchingTests {
    func spec(_ ops: [SpecOperation]) -> APISpecification {
        APISpecification(source: "t.yaml", title: "t", apiVersion: "1", openAPIVersion: "3.1.0", operations: ops)
    }

    @Test func serverURLsSplitIntoHostAndBasePath() {
        #expect(APISpecification.splitServerURL("https://API.Example.com:8443/v1/") == ("api.example.com", "/v1"))
        #expect(APISpecification.splitServerURL("/api") == (nil, "/api"))
        #expect(APISpecification.splitServerURL("https://api.example.com") == ("api.example.com", ""))
        #expect(APISpecification.splitServerURL("https://{region}.example.com/{base}", defaults: ["base": "v2"]) == ("{region}.example.com", "/v2"))
        #expect(APISpecification.splitServerURL("http://user@[::1]:8080/x") == ("[::1]", "/x"))
        #expect(APISpecification.splitServerURL("") == (nil, ""))
    }

    @Test func concretePathsWinOverParameters() {
        let index = SpecIndex(specs: [spec([
            SpecOperation(method: "GET", path: "/users/{id}"),
            SpecOperation(method: "GET", path: "/users/me"),
            SpecOperation(method: "GET", path: "/{tenant}/users/me"),
        ])])
        #expect(index.route(host: "", typedPath: "/users/me")?.path == "/users/me")
        #expect(index.route(host: "", typedPath: "/users/{int}")?.path == "/users/{id}")
        #expect(index.route(host: "", typedPath: "/users/alice")?.path == "/users/{id}")
        #expect(index.route(host: "", typedPath: "/acme/users/me")?.path == "/{tenant}/users/me")
        // Leftmost literal decides: /users/me/… is not a tenant.
        #expect(index.route(host: "", typedPath: "/users") == nil)
        #expect(index.route(host: "", typedPath: "/users/me/extra") == nil)
    }

    @Test func typedPlaceholdersOnlyMatchParameters() {
        let index = SpecIndex(specs: [spec([SpecOperation(method: "GET", path: "/items/42"), SpecOperation(method: "GET", path: "/files/{name}.json")])])
        #expect(index.route(host: "", typedPath: "/items/{int}") == nil)
        #expect(index.route(host: "", typedPath: "/items/42")?.path == "/items/42")
        #expect(index.route(host: "", typedPath: "/files/{hex}.json")?.path == "/files/{name}.json")
        #expect(index.route(host: "", typedPath: "/files/report.json")?.path == "/files/{name}.json")
        #expect(index.route(host: "", typedPath: "/files/.json") == nil)  // a parameter is never empty
        #expect(index.route(host: "", typedPath: "/files/report.xml") == nil)
    }

    @Test func trailingSlashesAreIgnored() {
        let index = SpecIndex(specs: [spec([SpecOperation(method: "GET", path: "/v1/orders/")])])
        #expect(index.route(host: "", typedPath: "/v1/orders")?.path == "/v1/orders")
        #expect(index.route(host: "", typedPath: "/v1/orders/")?.path == "/v1/orders")
    }

    @Test func hostsOfServersScopeTheRoutes() {
        let index = SpecIndex(specs: [spec([
            SpecOperation(method: "GET", path: "/a", hosts: ["api.example.com"]),
            SpecOperation(method: "GET", path: "/b", hosts: ["{env}.example.com"]),
            SpecOperation(method: "GET", path: "/c"),
        ])])
        #expect(index.route(host: "api.example.com", typedPath: "/a") != nil)
        #expect(index.route(host: "api.example.com:8443", typedPath: "/a") != nil)
        #expect(index.route(host: "", typedPath: "/a") != nil)  // the log names no host
        #expect(index.route(host: "other.example.com", typedPath: "/a") == nil)
        #expect(index.route(host: "staging.example.com", typedPath: "/b") != nil)
        #expect(index.route(host: "example.com", typedPath: "/b") == nil)
        #expect(index.route(host: "anything", typedPath: "/c") != nil)
        #expect(index.coversHost("anything"))
        let scoped = SpecIndex(specs: [spec([SpecOperation(method: "GET", path: "/a", hosts: ["api.example.com"])])])
        #expect(!scoped.coversHost("other.example"))
        #expect(scoped.coversHost("api.example.com"))
    }

    @Test func operationsOfSeveralSpecsShareARoute() {
        let a = APISpecification(source: "a.yaml", title: "a", apiVersion: "1", openAPIVersion: "3.0.3",
                                 operations: [SpecOperation(method: "get", path: "/x")])
        let b = APISpecification(source: "b.json", title: "b", apiVersion: "1", openAPIVersion: "3.1.0",
                                 operations: [SpecOperation(method: "POST", path: "/x/")])
        let index = SpecIndex(specs: [a, b])
        #expect(index.routes.count == 1)
        #expect(index.routes[0].operations.keys.sorted() == ["GET", "POST"])
        #expect(index.routes[0].sources == ["a.yaml", "b.json"])
    }

    @Test func versionSegmentsOrder() {
        func v(_ s: String) -> APIVersionSegment { APIVersionSegment(s)! }
        #expect(APIVersionSegment("users") == nil)
        #expect(APIVersionSegment("v") == nil)
        #expect(v("v1") < v("v2"))
        #expect(v("v1beta1") < v("v1"))
        #expect(v("v1alpha2") < v("v1beta1"))
        #expect(v("v1.1") < v("v1.2"))
        #expect(v("v2").supersedes(v("v1")))
        #expect(v("v1").supersedes(v("v1beta2")))
        #expect(!v("v3beta1").supersedes(v("v2")))  // a pre-release does not retire a stable version
        #expect(v("v2beta1").supersedes(v("v1beta1")))
        #expect(!v("v1").supersedes(v("v1")))
    }

    @Test func successorIsTheSameResourceAtAHigherVersion() {
        let index = SpecIndex(specs: [spec([
            SpecOperation(method: "GET", path: "/api/v2/users/{id}"),
            SpecOperation(method: "GET", path: "/api/v3/users/{id}"),
            SpecOperation(method: "GET", path: "/api/v2/orders"),
        ])])
        let versions = VersionIndex(routes: index.routes)
        #expect(versions.successor(of: "/api/v1/users/{int}", host: "") == "/api/v3/users/{id}")
        #expect(versions.successor(of: "/api/v2/users/{param}", host: "") == "/api/v3/users/{id}")
        #expect(versions.successor(of: "/api/v3/users/{id}", host: "") == nil)
        #expect(versions.successor(of: "/api/v1/users", host: "") == nil)  // another resource
        #expect(versions.successor(of: "/api/v1/orders", host: "") == "/api/v2/orders")
        #expect(versions.successor(of: "/api/v1/orders/{int}", host: "") == nil)
    }
}

@Suite struct DocumentationDriftTests {
    func state(_ calls: [(String, String, String, UInt64)]) -> AggregateState {
        var state = AggregateState()
        for (method, host, path, n) in calls {
            var stats = EndpointStats()
            stats.calls = n
            stats.statuses.record(200, count: n)
            state.endpoints[RawEndpointKey(method: method, host: host, typedPath: path)] = stats
        }
        return state
    }

    var options: ReportOptions {
        var o = ReportOptions()
        o.specs = [APISpecification(source: "shop.yaml", title: "Shop", apiVersion: "2", openAPIVersion: "3.0.3", operations: [
            SpecOperation(method: "GET", path: "/v2/carts/{cartId}", hosts: ["shop.example"], operationID: "getCart"),
            SpecOperation(method: "DELETE", path: "/v2/carts/{cartId}", hosts: ["shop.example"], operationID: "deleteCart", deprecated: true),
            SpecOperation(method: "GET", path: "/v2/carts", hosts: ["shop.example"], operationID: "listCarts"),
            SpecOperation(method: "POST", path: "/v2/carts", hosts: ["shop.example"], operationID: "createCart"),
        ])]
        return o
    }

    @Test func specTemplatesTakePrecedenceOverLearnedOnes() {
        // 60 cart ids would be folded to {param} by inference; the spec names the parameter.
        var calls: [(String, String, String, UInt64)] = (0..<60).map { ("GET", "shop.example", "/v2/carts/c\($0)x", 2) }
        calls.append(("GET", "shop.example", "/v2/carts/{int}", 10))
        let inventory = ReportBuilder.inventory(from: state(calls), options: options)
        #expect(inventory.endpoints.count == 1)
        #expect(inventory.endpoints[0].template == "/v2/carts/{cartId}")
        #expect(inventory.endpoints[0].stats.calls == 130)
        #expect(inventory.endpoints[0].typedPaths == 61)
        #expect(inventory.endpoints[0].documentation?.status == .documented)
        #expect(inventory.endpoints[0].documentation?.operationID == "getCart")
    }

    @Test func endpointsAreJudgedAndUnusedOperationsListed() {
        let inventory = ReportBuilder.inventory(from: state([
            ("GET", "shop.example", "/v2/carts/{int}", 10),
            ("DELETE", "shop.example", "/v2/carts/{int}", 3),        // deprecated: zombie
            ("GET", "shop.example", "/v1/carts/{int}", 4),           // superseded, undocumented: zombie
            ("PATCH", "shop.example", "/v2/carts/{int}", 1),         // documented path, undocumented method: shadow
            ("GET", "shop.example", "/internal/flags", 2),           // shadow
            ("GET", "other.example", "/v2/carts", 5),                // host not covered: shadow
        ]), options: options)
        let byKey = Dictionary(uniqueKeysWithValues: inventory.endpoints.map { ("\($0.method) \($0.host)\($0.template)", $0.documentation!) })
        #expect(byKey["GET shop.example/v2/carts/{cartId}"]?.status == .documented)
        #expect(byKey["DELETE shop.example/v2/carts/{cartId}"]?.status == .zombie)
        #expect(byKey["DELETE shop.example/v2/carts/{cartId}"]?.deprecated == true)
        #expect(byKey["GET shop.example/v1/carts/{int}"]?.status == .zombie)
        #expect(byKey["GET shop.example/v1/carts/{int}"]?.supersededBy == "/v2/carts/{cartId}")
        #expect(byKey["PATCH shop.example/v2/carts/{cartId}"]?.status == .shadow)
        #expect(byKey["PATCH shop.example/v2/carts/{cartId}"]?.reason == "method not documented for this path")
        #expect(byKey["GET shop.example/internal/flags"]?.status == .shadow)
        #expect(byKey["GET other.example/v2/carts"]?.reason == "no spec covers host other.example")
        let drift = inventory.drift!
        #expect(drift.counts[.documented] == 1)
        #expect(drift.counts[.zombie] == 2)
        #expect(drift.counts[.shadow] == 3)
        #expect(drift.unused.map { "\($0.method) \($0.path)" } == ["GET /v2/carts", "POST /v2/carts"])
        // Calls on spec operations: GET and DELETE of /v2/carts/{cartId}, out of every judged call.
        #expect(drift.callsOnSpecOperations == 13)
        #expect(drift.judgedCalls == 25)
        #expect(drift.metrics[EvidenceMetricID.docsDocumentedShare]?.value == 13.0 / 25.0)
        #expect(drift.metrics[EvidenceMetricID.docsShadowEndpoints]?.value == 3)
        #expect(drift.metrics[EvidenceMetricID.docsZombieEndpoints]?.value == 2)
    }

    @Test func noiseIsNeitherShadowNorZombie() {
        var st = state([("GET", "shop.example", "/v2/carts/{int}", 10), ("GET", "shop.example", "/assets/app.js", 7)])
        // A scanner probing an old version: only 404s, so not an API (and not a zombie).
        var scanner = EndpointStats()
        scanner.calls = 6
        scanner.statuses.record(404, count: 6)
        st.endpoints[RawEndpointKey(method: "GET", host: "shop.example", typedPath: "/v1/carts")] = scanner
        let inventory = ReportBuilder.inventory(from: st, options: options)
        let byTemplate = Dictionary(uniqueKeysWithValues: inventory.endpoints.map { ($0.template, $0.documentation!) })
        #expect(byTemplate["/assets/app.js"]?.status == .notAPI)
        #expect(byTemplate["/v1/carts"]?.status == .notAPI)
        #expect(inventory.drift?.counts[.notAPI] == 2)
        #expect(inventory.drift?.judgedCalls == 10)
    }

    @Test func withoutSpecsDocsMetricsAreNotObservable() {
        let inventory = ReportBuilder.inventory(from: state([("GET", "h", "/a", 1)]), options: ReportOptions())
        #expect(inventory.drift == nil)
        #expect(inventory.endpoints[0].documentation == nil)
        for id in EvidenceMetricID.docsIDs {
            let m = DocumentationDrift.unobservableMetrics[id]!
            #expect(!m.observable)
            #expect(m.value == nil)
            #expect(m.reasonIfNotObservable == DocumentationDrift.noSpecReason)
        }
    }

    @Test func judgementDoesNotDependOnInsertionOrder() {
        let calls: [(String, String, String, UInt64)] = [
            ("GET", "shop.example", "/v2/carts/{int}", 10), ("GET", "shop.example", "/v1/carts/{int}", 4),
            ("GET", "shop.example", "/x/{int}", 3), ("POST", "shop.example", "/v2/carts", 1),
        ]
        let a = ReportBuilder.report(state: state(calls), inputs: [], options: options).serialized()
        let b = ReportBuilder.report(state: state(calls.reversed()), inputs: [], options: options).serialized()
        #expect(a == b)
    }
}
