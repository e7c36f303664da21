import Testing
@testable import APICensusCore

@Suite struct TemplateInferenceTests {
    let host = "api.test"

    /// Zipf-like call count for the k-th value (rank 0 is the busiest); the tail is seen once.
    func zipf(_ k: Int, top: Int = 400) -> UInt64 { UInt64(max(1, top / (k + 1))) }

    /// Adds `calls` calls of one path, each with a method drawn from a fixed mix (GET 70%, PUT 20%, DELETE 10%).
    func addMixed(_ inf: inout TemplateInference, _ path: String, _ calls: UInt64, _ g: inout SplitMix64) {
        var per: [String: UInt64] = [:]
        for _ in 0..<calls {
            let u = g.next() % 10
            per[u < 7 ? "GET" : (u < 9 ? "PUT" : "DELETE"), default: 0] += 1
        }
        for (m, c) in per { inf.add(host: host, typedPath: path, method: m, calls: c) }
    }

    func names(_ n: Int) -> [String] {
        let a = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "olivia"]
        let b = ["smith", "jones", "garcia", "miller", "davis", "lopez", "wilson", "taylor", "moore", "martin"]
        return (0..<n).map { i in a[i % a.count] + b[(i / a.count) % b.count] + (i >= a.count * b.count ? "_\(i / (a.count * b.count))" : "") }
    }

    @Test func openSetOfNamesFoldsAboveThreshold() {
        var inf = TemplateInference()
        var g = SplitMix64(seed: 3)
        for (k, u) in names(500).enumerated() { addMixed(&inf, "/users/\(u)", zipf(k), &g) }
        let map = inf.resolve()
        #expect(map.template(host: host, typedPath: "/users/alicesmith") == "/users/{param}")
        #expect(map.template(host: host, typedPath: "/users/\(names(500)[499])") == "/users/{param}")

        // The same traffic with a higher --collapse-threshold stays literal.
        var high = TemplateInference(collapseThreshold: 1000)
        for (k, u) in names(500).enumerated() { high.add(host: host, typedPath: "/users/\(u)", method: "GET", calls: zipf(k)) }
        #expect(high.resolve().template(host: host, typedPath: "/users/alicesmith") == "/users/alicesmith")
    }

    @Test func slackLikeClosedSetIsNotFolded() {
        var inf = TemplateInference()
        let verbs = ["list", "info", "create", "delete", "update", "history", "open", "close", "join", "leave"]
        let objects = ["chat", "users", "conversations", "files", "reactions", "pins", "reminders", "stars", "team",
                       "usergroups", "views", "workflows", "apps", "auth", "bots", "dnd", "emoji", "search"]
        var paths: [String] = []
        for o in objects { for v in verbs { paths.append("/api/\(o).\(v)") } }
        #expect(paths.count > 150)
        for (i, p) in paths.enumerated() {
            inf.add(host: host, typedPath: p, method: i % 2 == 0 ? "GET" : "POST", calls: UInt64(50 + (i * 37) % 900))
        }
        let map = inf.resolve()
        for p in paths { #expect(map.template(host: host, typedPath: p) == p) }
    }

    @Test func literalSiblingsKeptBesideParameter() {
        var inf = TemplateInference()
        var g = SplitMix64(seed: 5)
        for (k, u) in names(600).enumerated() { addMixed(&inf, "/api/v3/user/\(u)", zipf(k), &g) }
        inf.add(host: host, typedPath: "/api/v3/user/login", method: "GET", calls: 900)
        inf.add(host: host, typedPath: "/api/v3/user/logout", method: "GET", calls: 300)
        inf.add(host: host, typedPath: "/api/v3/user/createWithList", method: "POST", calls: 80)
        // typed ids with word siblings
        inf.add(host: host, typedPath: "/api/v3/pet/{int}", method: "GET", calls: 5000)
        inf.add(host: host, typedPath: "/api/v3/pet/{int}", method: "DELETE", calls: 100)
        inf.add(host: host, typedPath: "/api/v3/pet/findByStatus", method: "GET", calls: 40)
        inf.add(host: host, typedPath: "/api/v3/pet/findByTags", method: "GET", calls: 3)
        let map = inf.resolve()
        #expect(map.template(host: host, typedPath: "/api/v3/user/alicesmith") == "/api/v3/user/{param}")
        #expect(map.template(host: host, typedPath: "/api/v3/user/login") == "/api/v3/user/login")
        #expect(map.template(host: host, typedPath: "/api/v3/user/logout") == "/api/v3/user/logout")
        #expect(map.template(host: host, typedPath: "/api/v3/user/createWithList") == "/api/v3/user/createWithList")
        #expect(map.template(host: host, typedPath: "/api/v3/pet/{int}") == "/api/v3/pet/{int}")
        #expect(map.template(host: host, typedPath: "/api/v3/pet/findByStatus") == "/api/v3/pet/findByStatus")
        #expect(map.template(host: host, typedPath: "/api/v3/pet/findByTags") == "/api/v3/pet/findByTags")
    }

    @Test func stripeLikeIdsBesideSearch() {
        var inf = TemplateInference()
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var g = SplitMix64(seed: 1)
        for k in 0..<30 {
            let id = "cus_" + String((0..<14).map { _ in alphabet[Int(g.next() % 62)] })
            inf.add(host: host, typedPath: "/v1/customers/\(id)", method: "GET", calls: zipf(k, top: 50))
            inf.add(host: host, typedPath: "/v1/customers/\(id)/sources", method: "GET", calls: 2)
        }
        inf.add(host: host, typedPath: "/v1/customers/search", method: "GET", calls: 70)
        inf.add(host: host, typedPath: "/v1/customers", method: "POST", calls: 70)
        let map = inf.resolve()
        #expect(map.template(host: host, typedPath: "/v1/customers/search") == "/v1/customers/search")
        let e = map.entries.filter { $0.typedPath.hasPrefix("/v1/customers/cus_") }
        #expect(e.count == 60)
        #expect(e.allSatisfy { $0.template == "/v1/customers/{param}" || $0.template == "/v1/customers/{param}/sources" })
    }

    @Test func kubernetesNamespacesFoldBelowThresholdByStructure() {
        var inf = TemplateInference()
        let namespaces = ["default", "kube-system", "monitoring", "payments-prod", "checkout", "logging", "web", "data"]
        let resources = ["pods", "services", "configmaps", "secrets", "deployments"]
        for (i, ns) in namespaces.enumerated() {
            for (j, r) in resources.enumerated() where (i + j) % 4 != 0 {
                inf.add(host: host, typedPath: "/api/v1/namespaces/\(ns)/\(r)", method: "GET", calls: UInt64(20 + i * j))
            }
        }
        for r in resources { inf.add(host: host, typedPath: "/api/v1/\(r)", method: "GET", calls: 30) }
        let map = inf.resolve()
        #expect(map.template(host: host, typedPath: "/api/v1/namespaces/kube-system/pods") == "/api/v1/namespaces/{param}/pods")
        #expect(map.template(host: host, typedPath: "/api/v1/pods") == "/api/v1/pods")
        #expect(map.template(host: host, typedPath: "/api/v1/services") == "/api/v1/services")
    }

    @Test func versionsAndResourceWordsAreNeverFolded() {
        var inf = TemplateInference()
        // 60 versions, most seen once: an open-looking set, but versions are API structure.
        for v in 1...60 { inf.add(host: host, typedPath: "/api/v\(v)/items", method: "GET", calls: v < 5 ? 100 : 1) }
        for v in ["v1alpha1", "v1beta1", "v2beta2", "v2.1"] { inf.add(host: host, typedPath: "/api/\(v)/items", method: "GET", calls: 1) }
        // 80 resource words under /v1 with their own subtrees and different methods.
        for i in 0..<80 {
            let word = "resource\(String(UnicodeScalar(UInt8(97 + i % 26))))\(String(UnicodeScalar(UInt8(97 + i / 26))))s"
            inf.add(host: host, typedPath: "/v1/\(word)", method: i % 3 == 0 ? "POST" : "GET", calls: UInt64(40 + i))
            inf.add(host: host, typedPath: "/v1/\(word)/{int}", method: "GET", calls: 20)
        }
        inf.add(host: host, typedPath: "/2010-04-01/Accounts.json", method: "GET", calls: 5)
        let map = inf.resolve()
        #expect(map.template(host: host, typedPath: "/api/v7/items") == "/api/v7/items")
        #expect(map.template(host: host, typedPath: "/api/v2.1/items") == "/api/v2.1/items")
        #expect(map.template(host: host, typedPath: "/api/v1alpha1/items") == "/api/v1alpha1/items")
        #expect(map.template(host: host, typedPath: "/v1/resourceabs") == "/v1/resourceabs")
        #expect(map.template(host: host, typedPath: "/v1/resourceabs/{int}") == "/v1/resourceabs/{int}")
        #expect(map.template(host: host, typedPath: "/2010-04-01/Accounts.json") == "/2010-04-01/Accounts.json")
    }

    @Test func suffixesFoldPerSuffix() {
        var inf = TemplateInference()
        let countries = ["US", "GB", "CA", "DE", "FR", "ES", "IT", "NL"]
        for (i, c) in countries.enumerated() {
            inf.add(host: host, typedPath: "/Accounts/{hex}/AvailablePhoneNumbers/\(c).json", method: "GET", calls: UInt64(10 + i))
            inf.add(host: host, typedPath: "/Accounts/{hex}/AvailablePhoneNumbers/\(c)/Local.json", method: "GET", calls: 5)
        }
        inf.add(host: host, typedPath: "/models/{uuid}:analyze", method: "POST", calls: 9)
        inf.add(host: host, typedPath: "/models/{uuid}", method: "GET", calls: 9)
        let map = inf.resolve()
        #expect(map.template(host: host, typedPath: "/Accounts/{hex}/AvailablePhoneNumbers/GB.json") == "/Accounts/{hex}/AvailablePhoneNumbers/{param}.json")
        #expect(map.template(host: host, typedPath: "/Accounts/{hex}/AvailablePhoneNumbers/DE/Local.json") == "/Accounts/{hex}/AvailablePhoneNumbers/{param}/Local.json")
        #expect(map.template(host: host, typedPath: "/models/{uuid}:analyze") == "/models/{uuid}:analyze")
    }

    @Test func resultDependsOnlyOnTheMultiset() {
        // Realistic mixed traffic from the generator, added in different orders and split into parts.
        let text = """
        GET /api/v1/namespaces/{namespace}/pods
        GET /api/v1/namespaces/{namespace}/pods/{name}
        DELETE /api/v1/namespaces/{namespace}/pods/{name}
        GET /api/v1/namespaces/{namespace}/services/{name}
        GET /api/v1/nodes/{name}
        GET /api/v1/pods
        """
        var gen = APITrafficGenerator(catalog: APICatalog(text: text), seed: 42)
        var norm = PathNormalizer()
        var counts: [String: UInt64] = [:]
        for _ in 0..<20_000 {
            let (m, p) = gen.next()
            counts[m + " " + norm.normalize(p), default: 0] += 1
        }
        let items = counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        func run(_ order: [(String, UInt64)], split: Bool) -> [String] {
            var inf = TemplateInference()
            for (k, c) in order {
                let sp = k.split(separator: " ", maxSplits: 1)
                if split && c > 1 {
                    inf.add(host: host, typedPath: String(sp[1]), method: String(sp[0]), calls: c / 2)
                    inf.add(host: host, typedPath: String(sp[1]), method: String(sp[0]), calls: c - c / 2)
                } else {
                    inf.add(host: host, typedPath: String(sp[1]), method: String(sp[0]), calls: c)
                }
            }
            return inf.resolve().entries.map { "\($0.host) \($0.typedPath) → \($0.template)" }
        }
        let reference = run(items, split: false)
        var g = SplitMix64(seed: 9)
        for round in 0..<3 {
            var shuffled = items
            shuffled.shuffle(using: &g)
            #expect(run(shuffled, split: round % 2 == 0) == reference)
        }
        #expect(run(items.reversed(), split: true) == reference)
        #expect(reference.contains { $0.hasSuffix("→ /api/v1/namespaces/{param}/pods/{param}") })
    }
}
