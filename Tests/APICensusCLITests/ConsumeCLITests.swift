import Foundation
import Testing

/// `apicensus consume` option and configuration handling (no broker needed: each run stops at a
/// configuration error before connecting).
@Suite struct ConsumeCLITests {
    @Test func requiredOptionsAndBadValuesAreUsageErrors() throws {
        let noGroup = try CLI.run(["consume", "--brokers", "127.0.0.1:1", "--topic", "t"])
        #expect(noGroup.status == 2 && noGroup.stderr.contains("--group is required"))
        let badWindow = try CLI.run(["consume", "--brokers", "127.0.0.1:1", "--topic", "t", "--group", "g", "--window", "sometimes"])
        #expect(badWindow.status == 2 && badWindow.stderr.contains("--window"))
        let badFrom = try CLI.run(["consume", "--brokers", "127.0.0.1:1", "--topic", "t", "--group", "g", "--from", "middle"])
        #expect(badFrom.status == 2 && badFrom.stderr.contains("earliest or latest"))
        let pattern = try CLI.run(["consume", "--brokers", "127.0.0.1:1", "--topic", "^gw-.*", "--group", "g"])
        #expect(pattern.status == 2 && pattern.stderr.contains("regular-expression subscriptions are not supported"))
        let threads = try CLI.run(["consume", "--brokers", "127.0.0.1:1", "--topic", "t", "--group", "g", "--parse-threads", "0"])
        #expect(threads.status == 2 && threads.stderr.contains("--parse-threads"))
    }

    /// The metrics port is taken: the metrics server fails, the consumer stops (final snapshot)
    /// and the process exits 1 instead of running on without metrics.
    @Test func aTakenMetricsPortStopsTheProcess() throws {
        let (listener, port) = try TansuBroker.boundSocket(listening: true)
        defer { close(listener) }
        let started = Date()
        let run = try CLI.run(["consume", "--brokers", "127.0.0.1:1", "--topic", "t", "--group", "g", "--metrics-port", String(port)])
        #expect(run.status == 1, "\(run.stderr)")
        // A clean stop, not the shutdown deadline's forced exit (30 s).
        #expect(Date().timeIntervalSince(started) < 20 && !run.stderr.contains("did not finish within"), "\(run.stderr)")
        #expect(run.stderr.contains("final snapshot"), "\(run.stderr)")
    }

    @Test func secretsNeverReachTheTerminal() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let secretFile = dir.appendingPathComponent("token")
        try Data("file-s3cr3t-value\n".utf8).write(to: secretFile)
        let config = dir.appendingPathComponent("consume.yaml")
        try Data("""
            kafka:
              brokers: 127.0.0.1:1
              group: census
              properties:
                security.protocol: SASL_PLAINTEXT
                sasl.mechanism: PLAIN
                sasl.username: apicensus
                sasl.password: env:APICENSUS_TEST_KAFKA_PASSWORD
                ssl.key.password: file:\(secretFile.path)
                no.such.property: "1"
              topics:
                - name: gateway
                  format: combined

            """.utf8).write(to: config)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["consume", "--config", config.path, "-X", "sasl.oauthbearer.config=principal=x cli-s3cr3t-value"]
        var env = ProcessInfo.processInfo.environment
        env["APICENSUS_TEST_KAFKA_PASSWORD"] = "env-s3cr3t-value"
        process.environment = env
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "\(stderr)")
        #expect(stderr.contains("no.such.property"), "\(stderr)")
        #expect(stderr.contains("sasl.password=[REDACTED]") && stderr.contains("group.id=census"), "\(stderr)")
        for secret in ["env-s3cr3t-value", "file-s3cr3t-value", "cli-s3cr3t-value"] {
            #expect(!stderr.contains(secret))
        }
    }

    @Test func configFileErrorsNameTheKey() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("bad.yaml")
        try Data("kafka:\n  brokers: b:9092\n  group: g\n  topics:\n    - name: t\n      format: nginx-ish\n".utf8).write(to: config)
        let r = try CLI.run(["consume", "--config", config.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("kafka.topics[0].format: unknown format 'nginx-ish'"), "\(r.stderr)")
        try Data("kafka:\n  brokers: b:9092\n  groups: g\n".utf8).write(to: config)
        let typo = try CLI.run(["consume", "--config", config.path])
        #expect(typo.status == 2 && typo.stderr.contains("kafka.groups: unknown key"), "\(typo.stderr)")
    }
}

extension ConsumeCLITests {
    /// The configuration files shipped in Deploy/ are read by `consume --config` as they are.
    @Test func deployConfigurationFilesAreAccepted() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent("Deploy/systemd/apicensus.yaml")
        // An unknown property stops the run after the file was read, before any connection.
        let r = try CLI.run(["consume", "--config", file.path, "--brokers", "127.0.0.1:1", "--group", "g", "-X", "no.such.property=1"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("sasl.mechanism=SCRAM-SHA-512") && r.stderr.contains("no.such.property"), "\(r.stderr)")
    }
}
