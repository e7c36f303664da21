import Foundation
import Testing

/// OpenAPI drift and the maturity score through the real binary, on fixtures of known truth:
/// Fixtures/drift.log (57 calls) against the same API described twice, as OpenAPI 3.0 YAML and
/// as OpenAPI 3.1 JSON (with a templated server host).
@Suite(.serialized) struct MaturityCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let dir: URL

    init() throws { dir = try CLI.temporaryDirectory() }

    func fixture(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func batch(_ args: [String]) throws -> CLI.Result {
        let r = try CLI.run(["batch"] + args)
        #expect(r.status == 0, "\(r.stderr)")
        return r
    }

    /// `METHOD host template` → documentation status.
    func statuses(_ report: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for e in report["endpoints"] as! [[String: Any]] {
            let doc = e["documentation"] as! [String: Any]
            out["\(e["method"]!) \(e["host"] as? String ?? "")\(e["template"]!)"] = doc["status"] as? String
        }
        return out
    }

    @Test func driftIsJudgedTheSameFromYAML30AndJSON31() throws {
        let yaml = try batch(["--spec", fixture("drift-api.yaml"), fixture("drift.log")]).json
        let json = try batch(["--spec", fixture("drift-api.json"), fixture("drift.log")]).json
        let truth: [String: String] = [
            "GET api.drift.example/api/v2/users": "documented",
            "GET api.drift.example/api/v2/users/{id}": "documented",
            "GET api.drift.example/api/v2/users/me": "documented",            // a concrete path beats {id}
            "GET api.drift.example/api/v2/files/{name}.json": "documented",   // a parameter inside a segment
            "GET api.drift.example/api/v1/users": "zombie",                   // documented, superseded by /v2/users
            "GET api.drift.example/api/v1/users/{userId}": "zombie",
            "DELETE api.drift.example/api/v2/users/{id}": "zombie",           // deprecated in the spec
            "GET api.drift.example/api/v1/orders": "zombie",                  // undocumented, /v2/orders documented
            "PUT api.drift.example/api/v2/users/{id}": "shadow",              // documented path, undocumented method
            "GET api.drift.example/api/internal/debug": "shadow",
            "POST api.drift.example/api/v2/users/{int}/impersonate": "shadow",
            "GET other.example/status": "not_api",                            // a health check on another host
        ]
        #expect(statuses(yaml) == truth)
        #expect(statuses(json) == truth)
        for report in [yaml, json] {
            let docs = report["docs"] as! [String: Any]
            let counts = docs["counts"] as! [String: Int]
            #expect(counts == ["documented": 4, "shadow": 3, "zombie": 4, "unused": 2, "not_api": 1])
            let unused = (docs["unused"] as! [[String: Any]]).map { "\($0["method"]!) \($0["path"]!)" }
            #expect(unused == ["GET /api/v2/orders", "POST /api/v2/users"])
            // 46 of the 54 API calls hit spec operations (the 3 health-check calls are not judged).
            #expect(docs["calls_on_spec_operations"] as? Int == 46)
            #expect(docs["judged_calls"] as? Int == 54)
            let zombies = docs["zombie"] as! [[String: Any]]
            #expect(zombies.first { $0["template"] as? String == "/api/v1/users" }?["superseded_by"] as? String == "/api/v2/users")
            let indicators = report["indicators"] as! [[String: Any]]
            let shadow = indicators.first { $0["id"] as? String == "docs.shadow_endpoints" }!
            #expect(shadow["value"] as? Int == 3 && shadow["observable"] as? Bool == true)
            let zombie = indicators.first { $0["id"] as? String == "docs.zombie_endpoints" }!
            #expect(zombie["value"] as? Int == 4)
            let share = indicators.first { $0["id"] as? String == "docs.documented_share" }!
            #expect((share["value"] as! Double - 46.0 / 54.0).magnitude < 0.0001)
        }
        let specs = (json["docs"] as! [String: Any])["specs"] as! [[String: Any]]
        #expect(specs.first?["openapi"] as? String == "3.1.0")
        #expect(specs.first?["operations"] as? Int == 9)
        // Spec templates replace learned ones: the user ids are under the spec's {id}, not {int}.
        let templates = (yaml["endpoints"] as! [[String: Any]]).map { $0["template"] as! String }
        #expect(!templates.contains("/api/v2/users/{int}"))
    }

    @Test func withoutASpecDocsAreNotObservable() throws {
        let report = try batch([fixture("drift.log")]).json
        #expect(report["docs"] is NSNull)
        let indicators = report["indicators"] as! [[String: Any]]
        for id in ["docs.documented_share", "docs.shadow_endpoints", "docs.zombie_endpoints"] {
            let i = indicators.first { $0["id"] as? String == id }!
            #expect(i["observable"] as? Bool == false)
            #expect(i["value"] is NSNull)
            #expect(i["reason"] as? String == "no OpenAPI spec supplied (--spec)")
        }
        let zeroTrust = report["zero_trust"] as! [String: [String: Any]]
        #expect(zeroTrust["asset_discovery"]?["observable"] as? Bool == false)
        // Never-observable practices are listed, with why.
        let pipelines = indicators.first { $0["id"] as? String == "practices.build_pipelines" }!
        #expect(pipelines["observable"] as? Bool == false && (pipelines["reason"] as? String)?.contains("access logs") == true)
    }

    @Test func badSpecsAreUsageErrorsNamingTheFile() throws {
        try Data("swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n".utf8).write(to: URL(fileURLWithPath: path("swagger.yaml")))
        try Data("openapi: 3.0.3\ninfo: {title: x}\npaths: {}\n".utf8).write(to: URL(fileURLWithPath: path("noversion.yaml")))
        try Data("openapi: 3.0.3\ninfo: [unclosed\n".utf8).write(to: URL(fileURLWithPath: path("broken.yaml")))
        let cases: [(String, String)] = [
            (path("swagger.yaml"), "Swagger 2.0 is not supported"),
            (path("noversion.yaml"), "not a valid OpenAPI 3.0.3 document"),
            (path("broken.yaml"), "not a YAML document"),
            (path("missing.yaml"), "cannot read the file"),
        ]
        for (spec, message) in cases {
            let r = try CLI.run(["batch", "--spec", spec, fixture("drift.log")])
            #expect(r.status == 2)
            #expect(r.stderr.contains("apicensus: --spec \(spec): "), "\(r.stderr)")
            #expect(r.stderr.contains(message), "\(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }

    func rules(_ edit: (String) -> String) throws -> String {
        let original = try String(contentsOf: Self.repoRoot.appendingPathComponent("Rules/maturity-rules.json"), encoding: .utf8)
        let edited = edit(original)
        #expect(edited != original)
        let file = path("rules-\(UUID().uuidString).json")
        try Data(edited.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }

    func maturity(_ report: [String: Any]) -> (stage: Int?, barometer: Int?, security: Int?, maturity: [String: Any]) {
        let m = report["maturity"] as! [String: Any]
        let d = m["dimensions"] as! [String: [String: Any]]
        return (m["stage"] as? Int, d["api_barometer"]?["stage"] as? Int, d["security_practices"]?["stage"] as? Int, m)
    }

    /// docs/maturity.md, "Overriding the rules": the drift fixture is one API host with 11 endpoints.
    @Test func overridingARuleChangesTheStageAsDocumented() throws {
        let args = ["--spec", fixture("drift-api.yaml"), fixture("drift.log")]
        let builtIn = maturity(try batch(args).json)
        #expect(builtIn.barometer == 1)  // s2.several_apis: inventory.hosts 1 < 2 (1 of 2 stage-2 criteria)
        #expect(builtIn.security == 1)   // s1.waf_in_front: no WAF source
        #expect(builtIn.stage == 1)
        #expect(builtIn.maturity["rules_version"] as? String == "1.0.0")
        #expect(builtIn.maturity["rules_source"] as? String == "built-in")
        #expect((builtIn.maturity["progress"] as! [String: Any])["to_do"] as? [String] == ["s1.waf_in_front", "s2.several_apis"])

        // One API host is enough for stage 2: the barometer moves to stage 2, then stops at stage 3
        // (s3.apis_built_on: 11 < 50 endpoints).
        let oneHost = try rules {
            $0.replacingOccurrences(of: "\"metric\": \"inventory.hosts\", \"op\": \">=\", \"threshold\": 2 }",
                                    with: "\"metric\": \"inventory.hosts\", \"op\": \">=\", \"threshold\": 1 }")
              .replacingOccurrences(of: "\"rules_version\": \"1.0.0\"", with: "\"rules_version\": \"1.0.0-one-host\"")
        }
        let relaxed = maturity(try batch(args + ["--rules", oneHost]).json)
        #expect(relaxed.barometer == 2)
        #expect(relaxed.security == 1)
        #expect(relaxed.stage == 1)  // the lower of the two dimensions
        #expect(relaxed.maturity["rules_version"] as? String == "1.0.0-one-host")
        #expect(relaxed.maturity["rules_source"] as? String == oneHost)

        // Not requiring a WAF: s1.waf_in_front becomes a practice logs cannot show, so stage 1
        // security has no observable criterion left and is not met (claimed only on evidence); the
        // security stage stays 1, and s2's documentation criterion is never reached.
        let noWAF = try rules {
            $0.replacingOccurrences(
                of: "\"metric\": \"waf.present\", \"op\": \">=\", \"threshold\": 1 }",
                with: "\"observable\": false, \"reason\": \"WAF logs are not collected here\" }")
        }
        let withoutWAF = maturity(try batch(args + ["--rules", noWAF]).json)
        #expect(withoutWAF.security == 1)
        let reasons = (withoutWAF.maturity["dimensions"] as! [String: [String: Any]])["security_practices"]!["reasons"] as! [String]
        #expect(reasons.first?.contains("none of its security_practices criteria is observable") == true, "\(reasons)")
        #expect(reasons.first?.contains("WAF logs are not collected here") == true)

        // A pass share of one half: 1 of 2 stage-2 barometer criteria meets stage 2, and 2 of 3 at
        // stage 3 (external callers, versioned paths; not the 50 endpoints) meet stage 3.
        let halfShare = try rules { $0.replacingOccurrences(of: "\"pass_share\": 0.75", with: "\"pass_share\": 0.5") }
        #expect(maturity(try batch(args + ["--rules", halfShare]).json).barometer == 3)
    }

    /// Several sources with the evidence plain logs lack (a Kong gateway, AWS WAF, an ALB with TLS):
    /// security practices are scored on authentication, TLS, WAF and mediation, and relaxing one
    /// failing criterion raises the overall stage.
    @Test func multiSourceEvidenceIsScoredAndARelaxedRuleRaisesTheStage() throws {
        var logs: [String] = []
        for format in ["kong", "aws_waf", "aws_alb"] {
            let r = try CLI.run(["generate", "--format", format, "--lines", "5000", "--seed", "11", "-o", path("\(format).log")])
            #expect(r.status == 0, "\(r.stderr)")
            logs.append(path("\(format).log"))
        }
        let first = try batch(logs).json
        let indicators = Dictionary(uniqueKeysWithValues: (first["indicators"] as! [[String: Any]]).map { ($0["id"] as! String, $0) })
        for id in ["waf.present", "mediation.endpoint_share", "auth.external_call_share", "tls.encrypted_share", "tls.legacy_calls"] {
            #expect(indicators[id]?["observable"] as? Bool == true, "\(id)")
        }
        let zeroTrust = first["zero_trust"] as! [String: [String: Any]]
        #expect(zeroTrust["encryption"]?["observable"] as? Bool == true)
        #expect(zeroTrust["continuous_monitoring"]?["ratio"] as? Double == 1)
        let before = maturity(first)
        #expect(before.security! >= 2)  // WAF present, external calls authenticated, a gateway mediates
        let progress = before.maturity["progress"] as! [String: Any]
        #expect((progress["to_do"] as! [String]).contains("s3.no_unauthenticated_success"))
        let criteria = (before.maturity["dimensions"] as! [String: [String: Any]])["security_practices"]!["criteria"] as! [[String: Any]]
        let failing = criteria.first { $0["id"] as? String == "s3.no_unauthenticated_success" }!
        #expect(failing["outcome"] as? String == "failed")
        let observed = failing["value"] as! Int
        #expect(observed > 0)

        // Tolerate the endpoints observed answering unauthenticated calls: stage 3 security is met.
        let tolerant = try rules {
            $0.replacingOccurrences(of: "\"metric\": \"auth.unauthenticated_success_on_protected\", \"op\": \"<=\", \"threshold\": 0 }",
                                    with: "\"metric\": \"auth.unauthenticated_success_on_protected\", \"op\": \"<=\", \"threshold\": \(observed) }")
        }
        let after = maturity(try batch(logs + ["--rules", tolerant]).json)
        #expect(after.security! > before.security!)
        #expect(after.stage! > before.stage!)
        #expect(after.barometer == before.barometer)
    }

    @Test func theConfigurationNamesSpecsAndRules() throws {
        let relaxed = try rules { $0.replacingOccurrences(of: "\"rules_version\": \"1.0.0\"", with: "\"rules_version\": \"from-config\"") }
        try Data("""
            specs:
              - \(fixture("drift-api.yaml"))
            rules: \(relaxed)
            """.utf8).write(to: URL(fileURLWithPath: path("apicensus.yaml")))
        let report = try batch(["--config", path("apicensus.yaml"), fixture("drift.log")]).json
        #expect(((report["docs"] as? [String: Any])?["counts"] as? [String: Int])?["zombie"] == 4)
        #expect((report["maturity"] as! [String: Any])["rules_version"] as? String == "from-config")
        // --rules wins over the configuration's rules.
        let overridden = try batch(["--config", path("apicensus.yaml"), "--rules", fixture("../../../Rules/maturity-rules.json"), fixture("drift.log")]).json
        #expect((overridden["maturity"] as! [String: Any])["rules_version"] as? String == "1.0.0")
    }

    @Test func badRulesAreUsageErrorsWithTheKeyPath() throws {
        let typo = try rules { $0.replacingOccurrences(of: "\"metric\": \"tls.modern_share\"", with: "\"metric\": \"tls.modren_share\"") }
        let r = try CLI.run(["batch", "--rules", typo, fixture("drift.log")])
        #expect(r.status == 2)
        #expect(r.stderr.contains("apicensus: --rules \(typo): stages[3].criteria[8].metric: unknown metric 'tls.modren_share'"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func rulesCommandPrintsTheBuiltInRules() throws {
        let r = try CLI.run(["rules"])
        #expect(r.status == 0)
        let file = try Data(contentsOf: Self.repoRoot.appendingPathComponent("Rules/maturity-rules.json"))
        #expect(r.stdout == file)
        let schema = Self.repoRoot.appendingPathComponent("Schemas/rules.schema.json").path
        let status = try CLI.shell("python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])), cls=jsonschema.Draft202012Validator)' '\(schema)' '\(Self.repoRoot.appendingPathComponent("Rules/maturity-rules.json").path)'")
        #expect(status == 0, "Rules/maturity-rules.json does not validate against Schemas/rules.schema.json")
    }

    @Test func scoringIsDeterministicAcrossThreadsAndFileOrder() throws {
        let log = try String(contentsOfFile: fixture("drift.log"), encoding: .utf8)
        let lines = log.split(separator: "\n")
        try Data((lines[..<30].joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path("a.log")))
        try Data((lines[30...].joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path("b.log")))
        let specs = ["--spec", fixture("drift-api.yaml"), "--spec", fixture("drift-api.json")]
        let one = try batch(specs + ["--threads", "1", path("a.log"), path("b.log")])
        let two = try batch(specs + ["--threads", "2", path("b.log"), path("a.log")])
        func scoring(_ r: CLI.Result) throws -> Data {
            var json = r.json
            json.removeValue(forKey: "input")  // file order is part of the input section
            return try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        }
        #expect(try scoring(one) == scoring(two))
        // Two specs of the same API: every route is declared by both.
        let docs = one.json["docs"] as! [String: Any]
        #expect((docs["specs"] as! [Any]).count == 2)
        #expect((docs["counts"] as! [String: Int])["documented"] == 4)
    }

    @Test func scoringSectionsValidateAgainstTheReportSchema() throws {
        let r = try batch(["--spec", fixture("drift-api.yaml"), fixture("drift.log")])
        try r.stdout.write(to: URL(fileURLWithPath: path("report.json")))
        let schema = Self.repoRoot.appendingPathComponent("Schemas/report.schema.json").path
        let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1])); report = json.load(open(sys.argv[2]))
        sections = {
            "$defs": schema["$defs"], "type": "object",
            "required": ["docs", "indicators", "zero_trust", "maturity", "endpoints"],
            "properties": {
                "docs": schema["properties"]["docs"], "indicators": schema["properties"]["indicators"],
                "zero_trust": schema["properties"]["zero_trust"], "maturity": schema["properties"]["maturity"],
                "endpoints": {"type": "array", "items": {"type": "object", "required": ["documentation"],
                              "properties": {"documentation": schema["$defs"]["endpoint"]["properties"]["documentation"]}}},
            },
        }
        jsonschema.validate(report, sections, cls=jsonschema.Draft202012Validator)
        assert len(report["indicators"]) >= 40
        """
        try Data(script.utf8).write(to: URL(fileURLWithPath: path("check.py")))
        let status = try CLI.shell("python3 '\(path("check.py"))' '\(schema)' '\(path("report.json"))'")
        #expect(status == 0, "the scoring sections do not validate against Schemas/report.schema.json")
    }
}
