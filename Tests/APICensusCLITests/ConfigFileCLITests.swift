import Foundation
import Testing

/// One configuration file for `batch` and `consume` (Fixtures/custom-config/apicensus.yaml): sources
/// in their own log formats, a Kafka topic with a role and a custom format, shared routes.
@Suite(.serialized) struct ConfigFileCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/custom-config")
    static var config: String { fixtures.appendingPathComponent("apicensus.yaml").path }

    func files(_ r: CLI.Result) -> [[String: Any]] { (r.json["input"] as? [String: Any])?["files"] as? [[String: Any]] ?? [] }

    @Test func batchReadsSourcesInTheirOwnCustomFormats() throws {
        let r = try CLI.run(["batch", "--config", Self.config])
        #expect(r.status == 0, "\(r.stderr)")
        let input = try #require(r.json["input"] as? [String: Any])
        // 24 gateway lines and 30 service lines, every one parsed by its source's format.
        #expect(input["parsed"] as? Int == 54, "\(input)")
        #expect(input["rejected"] as? Int == 0, "\(input)")
        let files = files(r)
        #expect(files.map { ($0["path"] as! String).split(separator: "/").last.map(String.init) } == ["gateway.log", "service.log"])
        #expect(files.map { $0["format"] as? String } == ["custom", "custom"])
        #expect(files.map { $0["parsed"] as? Int } == [24, 30])
        #expect(files.map { $0["role"] as? String } == ["gateway", "service"])
        // The gateway log would read as `common` too: its own format wins, and is detected (confidence),
        // where the service's is forced (format: custom).
        #expect((files[0]["format_confidence"] as? Double ?? 0) > 0.9)
        // The unknown variable is named once, with the file, the line and the key.
        #expect(r.stderr.contains("apicensus.yaml:8: sources[0].log_format: read as opaque fields (not known to APICensus): $geo_country"), "\(r.stderr)")
        // The kafka section's own warning is consume's business.
        #expect(!r.stderr.contains("kafka.topics[0].log_format"), "\(r.stderr)")

        // Hosts come from $host / %{Host}i; the route pattern names the orders endpoint; the endpoint the
        // gateway saw is mediated, the admin call that only the service logged is not.
        let endpoints = try #require(r.json["endpoints"] as? [[String: Any]])
        func endpoint(_ method: String, _ template: String) -> [String: Any]? {
            endpoints.first { $0["method"] as? String == method && $0["template"] as? String == template && $0["host"] as? String == "shop.example" }
        }
        let orders = try #require(endpoint("GET", "/v1/orders/{order_id}"), "\(endpoints.map { "\($0["method"]!) \($0["host"]!)\($0["template"]!)" })")
        #expect(orders["calls"] as? Int == 32)
        #expect(orders["mediated"] as? Bool == true)
        let reindex = try #require(endpoint("POST", "/v1/admin/reindex"))
        #expect(reindex["calls"] as? Int == 6)
        #expect(reindex["mediated"] as? Bool == false)
        #expect(reindex["mediation_reason"] as? String == "not_seen_by_gateway_or_waf")
    }

    /// `--format custom` takes each source's own log_format when the configuration gives every input one.
    @Test func forcedCustomFormatWithTheConfigurationsFormats() throws {
        let forced = try CLI.run(["batch", "--format", "custom", "--config", Self.config])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect((forced.json["input"] as? [String: Any])?["parsed"] as? Int == 54)
        #expect(files(forced).map { $0["format_confidence"] as? Double } == [1, 1])
        // A plain path has no format of its own: --log-format is needed.
        let plain = try CLI.run(["batch", "--format", "custom", "--config", Self.config, Self.fixtures.appendingPathComponent("gateway.log").path + "x"])
        #expect(plain.status == 2 && plain.stderr.contains("--format custom needs --log-format"), "\(plain.stderr)")
    }

    /// `consume --config` reads the same file: its kafka section, with the sources section noted as
    /// batch's, and the topic's custom format compiled (its unknown variable named).
    @Test func consumeReadsTheSameFile() throws {
        // An unknown librdkafka property stops the run after the file was read, before connecting.
        let r = try CLI.run(["consume", "--config", Self.config, "-X", "no.such.property=1"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("no.such.property"), "\(r.stderr)")
        #expect(r.stderr.contains("apicensus.yaml:4: sources: read by batch only; consume reads kafka.topics (section ignored)"), "\(r.stderr)")
        #expect(r.stderr.contains("apicensus.yaml:23: kafka.topics[0].log_format: read as opaque fields (not known to APICensus): $geo_country"), "\(r.stderr)")
        #expect(r.stderr.contains("group.id=census") && r.stderr.contains("bootstrap.servers=127.0.0.1:1"), "\(r.stderr)")
        #expect(!r.stderr.contains("sources[0].log_format"), "\(r.stderr)")
    }

    @Test func badCustomFormatsInTheFileNameFileLineAndKey() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.yaml")
        try Data("sources:\n  - path: a.log\n    log_format: 'apache:%h %Q \\\"%r\\\"'\n".utf8).write(to: file)
        for command in [["batch", "--config", file.path], ["consume", "--config", file.path, "--brokers", "b:1", "--group", "g", "--topic", "t"]] {
            let r = try CLI.run(command)
            #expect(r.status == 2, "\(command[0]): \(r.stderr)")
            #expect(r.stderr.contains("bad.yaml:3: sources[0].log_format: unknown Apache LogFormat directive %Q"), "\(command[0]): \(r.stderr)")
        }
        // The kafka section is checked by batch too: one file, one set of rules.
        try Data("kafka:\n  topics:\n    - name: t\n      format: custom\n".utf8).write(to: file)
        let batch = try CLI.run(["batch", "--config", file.path, file.path])
        #expect(batch.status == 2 && batch.stderr.contains("bad.yaml:4: kafka.topics[0].format: format custom needs log_format"), "\(batch.stderr)")
        // A secret read from the environment that is not set: named with its line and key, no value.
        try Data("kafka:\n  brokers: b:1\n  group: g\n  topics: [t]\n  properties:\n    sasl.password: env:APICENSUS_TEST_UNSET_VARIABLE\n".utf8).write(to: file)
        let unset = try CLI.run(["consume", "--config", file.path])
        #expect(unset.status == 2)
        #expect(unset.stderr.contains("bad.yaml:6: kafka.properties.sasl.password: environment variable APICENSUS_TEST_UNSET_VARIABLE is not set"), "\(unset.stderr)")
    }

    @Test func consumeTakesSpecAndRulesLikeBatch() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("missing.yaml").path
        let spec = try CLI.run(["consume", "--brokers", "b:1", "--group", "g", "--topic", "t", "--spec", missing])
        #expect(spec.status == 2 && spec.stderr.contains("--spec") && spec.stderr.contains("missing.yaml"), "\(spec.stderr)")
        let rules = try CLI.run(["consume", "--brokers", "b:1", "--group", "g", "--topic", "t", "--rules", missing])
        #expect(rules.status == 2 && rules.stderr.contains("--rules") && rules.stderr.contains("missing.yaml"), "\(rules.stderr)")
        let custom = try CLI.run(["consume", "--brokers", "b:1", "--group", "g", "--topic", "t", "--format", "custom"])
        #expect(custom.status == 2 && custom.stderr.contains("format custom needs --log-format"), "\(custom.stderr)")
    }
}
