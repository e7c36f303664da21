import Foundation
import Testing
@testable import APICensusConsumer
@testable import APICensusCore
@testable import APICensusKafka

/// What the configuration gives each topic (role, host, custom format) and the report (specs, route
/// patterns, coverage settings) reaches the aggregation and the snapshots, on the mock cluster.
@Suite("Consumer topic roles and report settings", .serialized)
struct ConsumerTopicRolesTests {
    /// A gateway topic and a service topic of the same shop; the service also logs an admin call
    /// that never crossed the gateway.
    static func gatewayLines() -> [[UInt8]] {
        (0..<40).map { i in
            Array(#"203.0.113.\#(i % 9 + 1) - - [01/Jan/2026:00:00:\#(String(format: "%02d", i % 60)) +0000] "GET /v1/orders/\#(1000 + i % 8) HTTP/1.1" 200 120 "-" "curl/8.5.0""#.utf8)
        }
    }

    static func serviceLines() -> [[UInt8]] {
        var lines = (0..<20).map { i in
            Array(#"10.0.0.5 - - [01/Jan/2026:00:00:\#(String(format: "%02d", i % 60)) +0000] "GET /v1/orders/\#(1000 + i % 8) HTTP/1.1" 200 120 "-" "kong""#.utf8)
        }
        lines += (0..<6).map { i in
            Array(#"198.51.100.9 - admin [01/Jan/2026:00:01:0\#(i) +0000] "POST /v1/admin/reindex HTTP/1.1" 202 12 "-" "curl/8.5.0""#.utf8)
        }
        return lines
    }

    static let spec = APISpecification(source: "shop.yaml", title: "Shop", apiVersion: "1", openAPIVersion: "3.1.0", operations: [
        SpecOperation(method: "GET", path: "/v1/orders/{order_id}", operationID: "getOrder"),
        SpecOperation(method: "DELETE", path: "/v1/orders/{order_id}", operationID: "cancelOrder"),
    ])

    func endpoints(_ document: [String: Any]) -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for e in document["endpoints"] as? [[String: Any]] ?? [] {
            result["\(e["method"]!) \(e["host"] as? String ?? "-")\(e["template"]!)"] = e
        }
        return result
    }

    @Test("A gateway topic mediates what it sees; the spec judges the snapshot's inventory")
    func gatewayTopicMediatesAndSpecReachesTheSnapshot() throws {
        let logs = LogCollector()
        let cluster = try KafkaMockCluster(brokers: 1, logHandler: { _ in })
        try cluster.createTopic("gateway-logs", partitions: 2)
        try cluster.createTopic("service-logs", partitions: 1)
        try KafkaTestSupport.produce(Self.gatewayLines(), to: "gateway-logs", partitions: 2, bootstrap: cluster.bootstrapServers)
        try KafkaTestSupport.produce(Self.serviceLines(), to: "service-logs", partitions: 1, bootstrap: cluster.bootstrapServers)

        var settings = KafkaTestSupport.settings(bootstrap: cluster.bootstrapServers, group: "roles",
                                                 topics: [], exitAtEnd: true)
        // Combined logs name no host: each topic files its calls under the shop's host.
        settings.topics = [
            TopicSettings(name: "gateway-logs", role: .gateway, host: "shop.example"),
            TopicSettings(name: "service-logs", role: .service, host: "shop.example"),
        ]
        settings.report.specs = [Self.spec]
        let output = CapturingOutput()
        let engine = try ConsumerEngine(settings: settings, output: output, log: logs.handler)
        engine.start()
        #expect(engine.wait() == .drained, "\(logs.all.joined(separator: "\n"))")

        let final = try #require(try output.all.map(KafkaTestSupport.decode).last)
        #expect(final.isFinal)
        #expect(final.parsedLines == 66)
        let byKey = endpoints(final.document)
        // The spec's path names the orders endpoint; the gateway saw it: mediated and documented.
        let orders = try #require(byKey["GET shop.example/v1/orders/{order_id}"], "\(byKey.keys.sorted())")
        #expect(orders["calls"] as? Int == 60)
        #expect(orders["mediated"] as? Bool == true)
        #expect(orders["mediation_reason"] as? String == "seen_by_gateway")
        #expect((orders["documentation"] as? [String: Any])?["status"] as? String == "documented")
        // Only the service logged the admin call: not mediated, and not in the spec (shadow).
        let admin = try #require(byKey["POST shop.example/v1/admin/reindex"])
        #expect(admin["mediated"] as? Bool == false)
        #expect(admin["mediation_reason"] as? String == "not_seen_by_gateway_or_waf")
        #expect((admin["documentation"] as? [String: Any])?["status"] as? String == "shadow")
        // The docs section lists the spec, the shadow endpoint and the operation nobody called.
        let docs = try #require(final.document["docs"] as? [String: Any])
        #expect((docs["specs"] as? [[String: Any]])?.first?["file"] as? String == "shop.yaml")
        #expect((docs["counts"] as? [String: Any])?["shadow"] as? Int == 1)
        let unused = (docs["unused"] as? [[String: Any]] ?? []).map { "\($0["method"]!) \($0["path"]!)" }
        #expect(unused == ["DELETE /v1/orders/{order_id}"])
        // Records are counted under each topic's role.
        let roles = try #require((final.document["coverage"] as? [String: Any])?["roles"] as? [String: Any])
        #expect((roles["gateway"] as? [String: Any])?["records"] as? Int == 40)
        #expect((roles["service"] as? [String: Any])?["records"] as? Int == 26)
        #expect((roles["lb"] as? [String: Any])?["records"] as? Int == 0)
        // input.files lists each partition with its topic's role and the format it was read in.
        let files = ((final.document["input"] as? [String: Any])?["files"] as? [[String: Any]]) ?? []
        let described = files.map { "\($0["path"]!) \($0["format"] as? String ?? "-") \($0["role"]!) \($0["role_source"]!)" }
        #expect(described == ["kafka:gateway-logs/0 combined gateway explicit", "kafka:gateway-logs/1 combined gateway explicit",
                              "kafka:service-logs/0 combined service explicit"])

        // The deltas carry the evidence too: a merge of the snapshots keeps the mediation.
        let merged = try KafkaTestSupport.merge([output.all])
        #expect(merged.state.run.recordsByRole[EndpointEvidence.roleIndex(.gateway)] == 40)
        // A merge's document names no format per partition: the role is the one its records carry.
        var stream = StreamAggregate()
        for line in output.all { for d in try KafkaTestSupport.decode(line).deltas { stream.absorb(d) } }
        #expect(stream.inputs.map { "\($0.path) \($0.role) \($0.roleSource)" } == [
            "kafka:gateway-logs/0 gateway records", "kafka:gateway-logs/1 gateway records", "kafka:service-logs/0 service records"])
    }

    @Test("Without a role a topic takes its format's; a custom format is detected per topic")
    func formatRoleAndCustomFormat() throws {
        let cluster = try KafkaMockCluster(brokers: 1, logHandler: { _ in })
        try cluster.createTopic("kong", partitions: 1)
        try cluster.createTopic("edge", partitions: 1)
        let kong = Array(FormatDescriptor.kong.example.utf8)
        try KafkaTestSupport.produce(Array(repeating: kong, count: 5), to: "kong", partitions: 1, bootstrap: cluster.bootstrapServers)
        // A custom NGINX format; `common` with trailing fields would read these lines too.
        let edge = (0..<12).map { i in
            Array(#"203.0.113.9 - - [01/Jan/2026:00:00:0\#(i % 10) +0000] "GET /v2/items/\#(i) HTTP/1.1" 200 99 edge.example TLSv1.3"#.utf8)
        }
        try KafkaTestSupport.produce(edge, to: "edge", partitions: 1, bootstrap: cluster.bootstrapServers)
        let custom = try CustomFormat.compile(#"nginx:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent $host $ssl_protocol"#)

        var settings = KafkaTestSupport.settings(bootstrap: cluster.bootstrapServers, group: "formats", topics: [], exitAtEnd: true)
        settings.topics = [TopicSettings(name: "kong"), TopicSettings(name: "edge", customFormat: custom, role: .waf)]
        let output = CapturingOutput()
        let logs = LogCollector()
        let engine = try ConsumerEngine(settings: settings, output: output, log: logs.handler)
        engine.start()
        #expect(engine.wait() == .drained, "\(logs.all.joined(separator: "\n"))")

        let final = try #require(try output.all.map(KafkaTestSupport.decode).last)
        #expect(final.parsedLines == 17)
        let roles = try #require((final.document["coverage"] as? [String: Any])?["roles"] as? [String: Any])
        // Kong's default role is gateway; the edge topic's role is the one it was given.
        #expect((roles["gateway"] as? [String: Any])?["records"] as? Int == 5)
        #expect((roles["waf"] as? [String: Any])?["records"] as? Int == 12)
        // The custom format's $host and $ssl_protocol were read: host-qualified endpoints, TLS observed.
        let byKey = endpoints(final.document)
        let items = try #require(byKey["GET edge.example/v2/items/{int}"], "\(byKey.keys.sorted())")
        #expect(items["calls"] as? Int == 12)
        let tls = ((items["evidence"] as? [String: Any])?["tls"] as? [String: Any]) ?? [:]
        #expect(tls["tls1.3"] as? Int == 12, "\(tls)")
    }
}

@Suite("Topic settings reach the aggregation")
struct TopicContextTests {
    /// Reads each line as one message (one batch each, offsets from 0).
    func read(_ lines: [[UInt8]], _ settings: TopicSettings) -> AggregateState {
        MessageBatchTesting.read(lines, settings: settings, perBatch: 1)
    }

    let clf = Array(#"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET /api/v1/users/42 HTTP/1.1" 200 512 "-" "curl/8.5.0""#.utf8)

    @Test func roleHostAndFormatFieldsFollowTheTopic() {
        let plain = read([clf], TopicSettings(name: "t"))
        #expect(plain.run.recordsByRole[EndpointEvidence.roleIndex(.lb)] == 1)
        #expect(plain.endpoints.keys.allSatisfy { $0.host.isEmpty })
        let gateway = read([clf, clf], TopicSettings(name: "t", role: .gateway, host: "API.example.com".lowercased()))
        #expect(gateway.run.recordsByRole[EndpointEvidence.roleIndex(.gateway)] == 2)
        #expect(gateway.endpoints.keys.allSatisfy { $0.host == "api.example.com" })
        // What the format can log is known (a combined log shows no TLS): indicators say "not observable".
        #expect(gateway.run.observableFields == CallFieldSet(FormatDescriptor.combined.yields))
    }

    @Test func forcedCustomFormatNeedsNoDetection() throws {
        let custom = try CustomFormat.compile("apache:%h %>s %{Host}i \\\"%r\\\"")
        let line = Array(#"192.0.2.1 404 shop.example "DELETE /v1/carts/9 HTTP/2.0""#.utf8)
        let state = read([line, line], TopicSettings(name: "t", format: .custom, customFormat: custom))
        #expect(state.files[0]?.parsed == 2)
        #expect(state.endpoints.keys.contains { $0.method == "DELETE" && $0.host == "shop.example" })
        // A custom format's default role is a load balancer's, as in batch.
        #expect(state.run.recordsByRole[EndpointEvidence.roleIndex(.lb)] == 2)
    }
}
