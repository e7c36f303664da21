import Foundation
import Testing

extension KafkaTansuTests {
    /// The batch fixture's two logs (Fixtures/custom-config) produced to two topics, read by
    /// `consume --config` with the same file that `batch --config` reads.
    static func unifiedConfiguration(broker: String) -> String {
        """
        sources:
          - path: gateway.log
            role: gateway
            log_format: 'nginx:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent $host $request_time $upstream_addr $geo_country'
          - path: service.log
            role: service
            format: custom
            log_format: 'apache:%h %l %u %t \\"%r\\" %>s %b %D %{Host}i'
        routes:
          - /v1/orders/{order_id}
        specs: [shop.yaml]
        kafka:
          brokers: \(broker)
          group: census-config
          properties:
            session.timeout.ms: 6000
            heartbeat.interval.ms: 500
            reconnect.backoff.max.ms: 1000
          topics:
            - name: gateway-logs
              role: gateway
              log_format: 'nginx:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent $host $request_time $upstream_addr $geo_country'
            - name: service-logs
              role: service
              format: custom
              log_format: 'apache:%h %l %u %t \\"%r\\" %>s %b %D %{Host}i'

        """
    }

    static let shopSpec = """
        openapi: 3.0.3
        info: {title: Shop, version: "1"}
        servers: [{url: "https://shop.example"}]
        paths:
          /v1/orders/{order_id}:
            parameters: [{name: order_id, in: path, required: true, schema: {type: string}}]
            get: {operationId: getOrder, responses: {"200": {description: the order}}}
            put: {operationId: replaceOrder, responses: {"200": {description: replaced}}}
            delete: {operationId: cancelOrder, responses: {"204": {description: cancelled}}}

        """

    @Test("consume --config: the file batch reads gives the topics their roles and formats, and the snapshot its spec and routes")
    func consumeWithTheBatchConfiguration() throws {
        let broker = try TansuBroker(runtime: runtime, log: path("tansu.log"))
        defer { broker.stop() }
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/custom-config")
        for name in ["gateway.log", "service.log"] {
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: path(name))
        }
        _ = try write("shop.yaml", Self.shopSpec)
        let config = try write("apicensus.yaml", Self.unifiedConfiguration(broker: broker.address))
        try broker.createTopic("gateway-logs", partitions: 2)
        try broker.createTopic("service-logs", partitions: 1)
        #expect(try broker.produce(path("gateway.log"), topic: "gateway-logs", partitions: 2) == 24)
        #expect(try broker.produce(path("service.log"), topic: "service-logs", partitions: 1) == 30)

        let run = try ConsumeProcess(["--config", config.path, "--exit-at-end"], runtime: runtime,
                                     stdout: path("consume.jsonl"), stderr: path("consume.err"))
        #expect(run.wait(seconds: 90) == 0, "\(run.log)")
        #expect(run.log.contains("sources: read by batch only"), "\(run.log)")
        let final = try #require(run.lines.last, "\(run.log)")
        let input = try #require(final["input"] as? [String: Any])
        #expect(input["parsed"] as? Int == 54 && input["rejected"] as? Int == 0, "\(input)")

        let endpoints = try #require(final["endpoints"] as? [[String: Any]])
        func endpoint(_ method: String, _ template: String) -> [String: Any]? {
            endpoints.first { $0["method"] as? String == method && $0["template"] as? String == template && $0["host"] as? String == "shop.example" }
        }
        // The spec's path names the orders endpoint, seen by the gateway topic: mediated, documented.
        let orders = try #require(endpoint("GET", "/v1/orders/{order_id}"), "\(endpoints.map { "\($0["method"]!) \($0["template"]!)" })")
        #expect(orders["mediated"] as? Bool == true)
        #expect((orders["documentation"] as? [String: Any])?["status"] as? String == "documented")
        // The admin call only the service topic carried: unmediated and shadow.
        let reindex = try #require(endpoint("POST", "/v1/admin/reindex"))
        #expect(reindex["mediated"] as? Bool == false)
        #expect((reindex["documentation"] as? [String: Any])?["status"] as? String == "shadow")
        let docs = try #require(final["docs"] as? [String: Any])
        #expect((docs["unused"] as? [[String: Any]] ?? []).map { $0["method"] as? String } == ["DELETE"])
        let roles = try #require((final["coverage"] as? [String: Any])?["roles"] as? [String: Any])
        #expect((roles["gateway"] as? [String: Any])?["records"] as? Int == 24)
        #expect((roles["service"] as? [String: Any])?["records"] as? Int == 30)

        // The same file, the same logs read from disk by batch: the same inventory, evidence included.
        let batch = try CLI.run(["batch", "--compact", "--no-progress", "--config", config.path])
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(canonical(batch.json["endpoints"]) == canonical(final["endpoints"]))
        #expect(canonical(batch.json["docs"]) == canonical(final["docs"]))
    }
}
