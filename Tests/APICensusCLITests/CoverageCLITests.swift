import Foundation
import Testing

/// The real CLI, end to end, on a gateway log and a service log where some endpoints bypass the
/// gateway: roles from --source and from the configuration file, route patterns, the coverage
/// section, the schema, and no secret echoed.
@Suite(.serialized) struct CoverageCLITests {
    let dir: URL

    init() throws { dir = try CLI.temporaryDirectory() }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(name)))
    }

    static let secretKey = "sk_live_CLISECRET55555"
    static let secretToken = "CLITOKENSECRET7777"

    /// A gateway's JSON log: the dogs API, called from outside, some keys in the query.
    static var gatewayLog: String {
        (0..<30).map { i in
            let query = i % 5 == 0 ? "?api_key=\(secretKey)" : (i % 7 == 0 ? "?access_token=\(secretToken)" : "")
            return #"{"time":"2026-01-01T00:00:\#(String(format: "%02d", i % 60))+00:00","remote_addr":"203.0.113.\#(i % 9 + 1)","request":"GET /api/dog/\#(["rex", "fido", "spot", "max"][i % 4])\#(query) HTTP/1.1","status":200,"body_bytes_sent":120,"host":"pets.example.com"}"#
        }.joined(separator: "\n") + "\n"
    }

    /// The service's combined log: the same dogs, plus an admin endpoint called directly, health
    /// checks and a scanner.
    static var serviceLog: String {
        var lines: [String] = []
        for i in 0..<30 {
            lines.append(#"10.0.0.5 - - [01/Jan/2026:00:00:\#(String(format: "%02d", i % 60)) +0000] "GET /api/dog/\#(["rex", "fido", "spot", "max"][i % 4]) HTTP/1.1" 200 120 "-" "kong""#)
        }
        for i in 0..<8 {
            lines.append(#"203.0.113.77 - admin [01/Jan/2026:00:01:0\#(i) +0000] "POST /admin/v1/users/\#(100 + i)/reset HTTP/1.1" 200 12 "-" "curl/8""#)
        }
        for _ in 0..<10 {
            lines.append(#"10.0.0.2 - - [01/Jan/2026:00:02:00 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29""#)
        }
        for probe in ["/wp-login.php", "/.env", "/phpmyadmin/index.php", "/.git/config"] {
            lines.append(#"185.220.101.4 - - [01/Jan/2026:00:03:00 +0000] "GET \#(probe) HTTP/1.1" 404 0 "-" "zgrab/0.x""#)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func checkSchema(_ report: Data) throws { try CLI.validateReport(report, in: dir) }

    @Test func gatewayAndServiceSourcesGiveMediationPerEndpoint() throws {
        try write("gw.json", Self.gatewayLog)
        try write("svc.log", Self.serviceLog)
        try write("apicensus.yaml", """
            sources:
              - path: svc.log
                role: service
                host: pets.example.com
            routes:
              - /api/dog/{name}
            """)
        let r = try CLI.run(["batch", "--config", path("apicensus.yaml"), "--source", "gateway=\(path("gw.json"))"])
        #expect(r.status == 0, "\(r.stderr)")
        let files = (r.json["input"] as! [String: Any])["files"] as! [[String: Any]]
        #expect(files.map { $0["role"] as! String } == ["gateway", "service"])
        #expect(files.map { $0["role_source"] as! String } == ["explicit", "explicit"])
        let endpoints = r.json["endpoints"] as! [[String: Any]]
        func endpoint(_ method: String, _ template: String) -> [String: Any]? {
            endpoints.first { $0["method"] as? String == method && $0["template"] as? String == template }
        }
        // The route pattern names the dogs endpoint (four names would not fold by themselves).
        let dogs = try #require(endpoint("GET", "/api/dog/{name}"))
        #expect(dogs["mediated"] as? Bool == true)
        #expect(dogs["mediation_reason"] as? String == "seen_by_gateway")
        #expect(dogs["calls"] as? Int == 60)
        let evidence = dogs["evidence"] as! [String: Any]
        #expect(evidence["roles"] as? [String: Int] == ["gateway": 30, "service": 30])
        let reset = try #require(endpoint("POST", "/admin/v1/users/{int}/reset"))
        #expect(reset["mediated"] as? Bool == false)
        #expect(reset["mediation_reason"] as? String == "not_seen_by_gateway_or_waf")
        #expect((reset["evidence"] as! [String: Any])["auth"] as? [String: Int] == ["basic": 8])
        #expect(endpoint("GET", "/healthz")?["kind"] as? String == "health")
        #expect(endpoint("GET", "/wp-login.php")?["error_only"] as? Bool == true)

        let coverage = r.json["coverage"] as! [String: Any]
        let mediation = coverage["mediation"] as! [String: Any]
        #expect(mediation["mediated"] as? Int == 1)
        #expect(mediation["unmediated"] as? Int == 1)
        let metrics = coverage["metrics"] as! [String: [String: Any]]
        #expect(metrics["mediation.endpoint_share"]?["value"] as? Double == 0.5)
        #expect(metrics["auth.query_key_calls"]?["value"] as? Int == 10)
        #expect(metrics["tls.encrypted_share"]?["observable"] as? Bool == false)
        #expect(metrics["tls.encrypted_share"]?["reason"] as? String != nil)
        let findings = coverage["findings"] as! [String: [String: Any]]
        #expect(findings["api_keys_in_query"]?["count"] as? Int == 1)
        // Secrets from the fixtures never reach stdout or stderr.
        for secret in [Self.secretKey, Self.secretToken] {
            #expect(!r.text.contains(secret))
            #expect(!r.stderr.contains(secret))
        }
        try checkSchema(r.stdout)
    }

    /// README.md's coverage excerpt is the report on samples/coverage/: the numbers it quotes.
    @Test func readmeCoverageExcerptIsReproducible() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let r = try CLI.run(["batch", "--config", root.appendingPathComponent("samples/coverage/apicensus.yaml").path])
        #expect(r.status == 0, "\(r.stderr)")
        let endpoints = r.json["endpoints"] as! [[String: Any]]
        func endpoint(_ method: String, _ template: String) -> [String: Any]? {
            endpoints.first { $0["method"] as? String == method && $0["template"] as? String == template }
        }
        let dogs = try #require(endpoint("GET", "/api/dog/{name}"))
        #expect(dogs["calls"] as? Int == 56 && dogs["mediated"] as? Bool == true)
        let dogEvidence = dogs["evidence"] as! [String: Any]
        #expect(dogEvidence["roles"] as? [String: Int] == ["gateway": 30, "service": 26])
        #expect(dogEvidence["auth"] as? [String: Int] == ["api_key_query": 6, "bearer_scheme_only": 24, "not_observable": 26])
        #expect(dogEvidence["callers"] as? [String: Int] == ["internal": 26, "external": 30])
        #expect(dogEvidence["tls"] as? [String: Int] == ["not_observable": 26, "tls1.3": 30])
        let abuse = dogs["abuse"] as! [String: Any]
        #expect(abuse["rate_limited"] as? Bool == true && abuse["status_429"] as? Int == 4)
        let reset = try #require(endpoint("POST", "/admin/v1/users/{int}/reset"))
        #expect(reset["calls"] as? Int == 8 && reset["mediated"] as? Bool == false)
        #expect((reset["evidence"] as! [String: Any])["auth"] as? [String: Int] == ["basic": 8])
        let coverage = r.json["coverage"] as! [String: Any]
        let roles = coverage["roles"] as! [String: [String: Int]]
        #expect(roles["gateway"]?["records"] == 30 && roles["service"]?["records"] == 48)
        let inventory = coverage["endpoints"] as! [String: Any]
        #expect(inventory["total"] as? Int == 7 && inventory["api"] as? Int == 2 && inventory["error_only"] as? Int == 4)
        let byKind = inventory["by_kind"] as! [String: [String: Int]]
        #expect(byKind["api"] == ["endpoints": 6, "calls": 68] && byKind["health"] == ["endpoints": 1, "calls": 10])
        let auth = coverage["auth"] as! [String: Int]
        #expect(auth["basic"] == 8 && auth["api_key_query"] == 6 && auth["bearer_scheme_only"] == 24 && auth["not_observable"] == 26)
        let metrics = coverage["metrics"] as! [String: [String: Any]]
        #expect(metrics["mediation.endpoint_share"]?["value"] as? Double == 0.5)
        #expect(metrics["auth.query_key_calls"]?["value"] as? Double == 6)
        #expect(metrics["auth.strong_share"]?["numerator"] as? Double == 24 && metrics["auth.strong_share"]?["denominator"] as? Double == 38)
        #expect(metrics["auth.alg_none_calls"]?["observable"] as? Bool == false)
        #expect(metrics["tls.encrypted_share"]?["value"] as? Double == 1)
        #expect(!r.text.contains("sk_live_"))
        // The README quotes these numbers.
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        for quoted in [#""roles": {"gateway": 30, "service": 26}"#, #""auth": {"api_key_query": 6, "bearer_scheme_only": 24, "not_observable": 26}"#,
                       #""status_429": 4"#, #""service": {"records": 48}"#, #""total": 7, "api": 2"#] {
            #expect(readme.contains(quoted), "README.md no longer quotes \(quoted)")
        }
    }

    /// `merge --config` templates and scores the merged state as `batch --config` did: the route
    /// patterns of the configuration name the dogs endpoint.
    @Test func mergeWithTheConfigurationKeepsItsRoutes() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = root.appendingPathComponent("samples/coverage/apicensus.yaml").path
        let batch = try CLI.run(["batch", "--config", config, "--include-state", "-o", path("batch.json")])
        #expect(batch.status == 0, "\(batch.stderr)")
        func templates(_ r: CLI.Result) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: (r.json["endpoints"] as! [[String: Any]]).map {
                ("\($0["method"]!) \($0["template"]!)", $0["calls"] as! Int)
            })
        }
        let withConfig = try CLI.run(["merge", "--config", config, path("batch.json")])
        #expect(withConfig.status == 0, "\(withConfig.stderr)")
        #expect(templates(withConfig)["GET /api/dog/{name}"] == 56)
        let direct = try CLI.run(["batch", "--config", config])
        #expect(templates(withConfig) == templates(direct))
        // Without it, the route patterns are unknown to the merge: the four dogs stay apart.
        let without = try CLI.run(["merge", path("batch.json")])
        #expect(without.status == 0, "\(without.stderr)")
        #expect(templates(without)["GET /api/dog/{name}"] == nil)
        let bad = try CLI.run(["merge", "--config", path("missing.yaml"), path("batch.json")])
        #expect(bad.status == 2 && bad.stderr.contains("missing.yaml"), "\(bad.stderr)")
    }

    @Test func plainPathsTakeTheirFormatsDefaultRole() throws {
        try write("svc.log", Self.serviceLog)
        let r = try CLI.run(["batch", path("svc.log")])
        #expect(r.status == 0, "\(r.stderr)")
        let files = (r.json["input"] as! [String: Any])["files"] as! [[String: Any]]
        #expect(files[0]["role"] as? String == "lb")
        #expect(files[0]["role_source"] as? String == "format_default")
        let endpoints = r.json["endpoints"] as! [[String: Any]]
        #expect(endpoints.allSatisfy { $0["mediated"] is NSNull })
        try checkSchema(r.stdout)
    }

    @Test func invalidConfigurationStopsWithFileLineAndKey() throws {
        try write("bad.yaml", "sources:\n  - path: svc.log\n    role: gateway\nnetworks:\n  partners: [192.0.2.0/24, 300.1.1.1/8]\n")
        let r = try CLI.run(["batch", "--config", path("bad.yaml")])
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("\(path("bad.yaml")):5: networks.partners[1]: '300.1.1.1/8' is not an IP address or CIDR range"), "\(r.stderr)")
        let badSource = try CLI.run(["batch", "--source", "firewall=x.log"])
        #expect(badSource.status == 2)
        #expect(badSource.stderr.contains("--source 'firewall=x.log'"))
    }
}

/// The real gateway, WAF and load-balancer parsers feed the classification: generated Kong, AWS
/// WAF and ALB logs (the generator gives each synthetic client a credential kind and a TLS version).
@Suite(.serialized) struct CoverageFormatsCLITests {
    let dir: URL

    init() throws { dir = try CLI.temporaryDirectory() }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    @Test func generatedGatewayWAFAndLoadBalancerLogs() throws {
        for (format, name) in [("kong", "kong.json"), ("aws_waf", "waf.json"), ("aws_alb", "alb.log")] {
            let g = try CLI.run(["generate", "--format", format, "--lines", "3000", "--seed", "11", "-o", path(name)])
            #expect(g.status == 0, "\(format): \(g.stderr)")
        }
        let r = try CLI.run(["batch", path("kong.json"), path("waf.json"), path("alb.log")])
        #expect(r.status == 0, "\(r.stderr)")
        let files = (r.json["input"] as! [String: Any])["files"] as! [[String: Any]]
        #expect(Set(files.map { "\($0["format"]!)=\($0["role"]!)" }) == ["aws_alb=lb", "aws_waf=waf", "kong=gateway"])
        let coverage = r.json["coverage"] as! [String: Any]
        let roles = coverage["roles"] as! [String: [String: Int]]
        #expect(roles["gateway"]?["records"] == 3000 && roles["waf"]?["records"] == 3000 && roles["lb"]?["records"] == 3000)
        let auth = coverage["auth"] as! [String: Int]
        #expect((auth["bearer_jwt"] ?? 0) > 0, "\(auth)")
        let tls = coverage["tls"] as! [String: Int]
        #expect((tls["tls1.3"] ?? 0) > 0 && (tls["tls1.0"] ?? 0) > 0, "\(tls)")
        let metrics = coverage["metrics"] as! [String: [String: Any]]
        #expect(metrics["waf.present"]?["value"] as? Double == 1)
        #expect(metrics["tls.legacy_calls"]?["observable"] as? Bool == true)
        #expect(metrics["mediation.endpoint_share"]?["observable"] as? Bool == true)
        // Whatever credentials the generator wrote, only kinds reach the output.
        for marker in ["eyJ", "sk_live_", "Basic ", "Bearer "] {
            #expect(!r.text.contains(marker), "\(marker) echoed")
            #expect(!r.stderr.contains(marker), "\(marker) echoed on stderr")
        }
        try CLI.validateReport(r.stdout, in: dir)
    }

    /// With only a gateway (and a WAF), endpoints that bypass them cannot appear: the mediation
    /// ratios are not observable rather than 1 by construction.
    @Test func gatewayAndWAFAloneLeaveMediationNotObservable() throws {
        for (format, name) in [("kong", "kong.json"), ("aws_waf", "waf.json")] {
            let g = try CLI.run(["generate", "--format", format, "--lines", "1500", "--seed", "5", "-o", path(name)])
            #expect(g.status == 0, "\(format): \(g.stderr)")
        }
        for inputs in [[path("kong.json")], [path("kong.json"), path("waf.json")]] {
            let r = try CLI.run(["batch"] + inputs)
            #expect(r.status == 0, "\(r.stderr)")
            let metrics = (r.json["coverage"] as! [String: Any])["metrics"] as! [String: [String: Any]]
            for id in ["mediation.endpoint_share", "mediation.call_share", "mediation.external_endpoint_share"] {
                #expect(metrics[id]?["observable"] as? Bool == false, "\(inputs.count) inputs: \(id)")
                #expect((metrics[id]?["reason"] as? String)?.contains("only gateway/WAF sources") == true)
            }
            let indicators = r.json["indicators"] as! [[String: Any]]
            #expect(indicators.first { $0["id"] as? String == "mediation.endpoint_share" }?["observable"] as? Bool == false)
            let endpoints = r.json["endpoints"] as! [[String: Any]]
            #expect(endpoints.contains { $0["mediated"] as? Bool == true })
            #expect(!endpoints.contains { $0["mediated"] as? Bool == false })
        }
    }
}

/// Inventory hygiene on real, scanner-heavy NGINX/Apache logs from `../shared/corpus`: static
/// assets, probes and paths that only ever answered 404/400/405 are kept apart from the APIs.
@Suite struct CoverageCorpusTests {
    @Test(.enabled(if: CorpusAcceptanceTests.available, "needs ../shared/corpus beside the clone"))
    func scannerNoiseIsKeptApartInRealLogs() throws {
        let logs = CorpusAcceptanceTests.accessLogs()
        #expect(!logs.isEmpty)
        let r = try CLI.run(["batch", "--no-progress"] + logs)
        #expect(r.status == 0 || r.status == 3, "\(r.stderr)")
        let coverage = r.json["coverage"] as! [String: Any]
        let inventory = coverage["endpoints"] as! [String: Any]
        let byKind = inventory["by_kind"] as! [String: [String: Int]]
        let total = inventory["total"] as! Int
        let api = inventory["api"] as! Int
        #expect((inventory["error_only"] as! Int) > 0, "the corpus has scanner probes answered 404")
        #expect((byKind["static"]?["endpoints"] ?? 0) > 0)
        #expect(api < total)
        let metrics = coverage["metrics"] as! [String: [String: Any]]
        #expect(metrics["inventory.endpoints"]?["value"] as? Int == api)
        let endpoints = r.json["endpoints"] as! [[String: Any]]
        for e in endpoints where e["error_only"] as? Bool == true {
            let codes = (e["top_status"] as! [[String: Any]]).map { $0["code"] as! Int }
            #expect(codes.allSatisfy { [400, 404, 405].contains($0) }, "\(e["template"]!) \(codes)")
        }
        #expect(endpoints.filter { $0["kind"] as? String == "api" && $0["error_only"] as? Bool == false }.count == api)
    }
}

extension CLI {
    /// Validates a report against Schemas/report.schema.json (python3 jsonschema, installed by
    /// scripts/install-deps).
    static func validateReport(_ report: Data, in dir: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = dir.appendingPathComponent("report-\(UUID().uuidString).json")
        try report.write(to: file)
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Schemas/report.schema.json").path
        let status = try shell("python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])), cls=jsonschema.Draft202012Validator)' '\(schema)' '\(file.path)'")
        #expect(status == 0, "the report does not validate against Schemas/report.schema.json", sourceLocation: sourceLocation)
    }
}
