import Foundation
import Testing
@testable import APICensusConsumer
@testable import APICensusCore
@testable import APICensusKafka

@Suite("Kafka properties and secrets")
struct KafkaPropertiesTests {
    @Test func valuesFromTheEnvironmentAndFiles() throws {
        let env = ["KAFKA_PW": "s3cr3t-from-env"]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID().uuidString)")
        try Data("s3cr3t-from-file\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let a = try KafkaProperties.parseAssignment("sasl.password=env:KAFKA_PW", environment: { env[$0] })
        #expect(a.name == "sasl.password" && a.value == "s3cr3t-from-env")
        let b = try KafkaProperties.parseAssignment("ssl.key.password=file:\(file.path)")
        #expect(b.value == "s3cr3t-from-file")
        let c = try KafkaProperties.parseAssignment("security.protocol=SASL_SSL")
        #expect(c.name == "security.protocol" && c.value == "SASL_SSL")
        // Errors name the property and the source, never a value.
        #expect(throws: KafkaConfigurationError("property sasl.password: environment variable NOPE is not set")) {
            try KafkaProperties.parseAssignment("sasl.password=env:NOPE", environment: { _ in nil })
        }
        #expect(throws: KafkaConfigurationError.self) { try KafkaProperties.parseAssignment("sasl.password") }
        do {
            _ = try KafkaProperties.parseAssignment("sasl.password hunter2")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
        }
    }

    @Test func secretsAreRedactedAndScrubbed() {
        var p = KafkaProperties([("bootstrap.servers", "b:9092"), ("sasl.username", "svc"), ("sasl.password", "hunter2hunter2")])
        p.set("sasl.oauthbearer.config", "principal=x secret=abc123")
        p.set("ssl.key.password", "k3y-pa55")
        #expect(KafkaProperties.isSecret("sasl.password") && KafkaProperties.isSecret("ssl.key.password")
                && KafkaProperties.isSecret("sasl.oauthbearer.client.secret") && KafkaProperties.isSecret("SASL.OAUTHBEARER.CONFIG"))
        #expect(!KafkaProperties.isSecret("bootstrap.servers") && !KafkaProperties.isSecret("sasl.username"))
        let text = p.description
        #expect(text.contains("bootstrap.servers=b:9092") && text.contains("sasl.username=svc"))
        #expect(!text.contains("hunter2") && !text.contains("abc123") && !text.contains("k3y-pa55"))
        #expect(p.scrub("auth failed for hunter2hunter2 on b:9092") == "auth failed for [REDACTED] on b:9092")
        // A misspelled secret name is not recognised as a secret: unknown names' values are not shown.
        let typo = KafkaProperties([("sasl.pasword", "s3cr3t-typo"), ("session.timeout.ms", "6000")]).description
        #expect(!typo.contains("s3cr3t-typo") && typo.contains("sasl.pasword=[not shown]") && typo.contains("session.timeout.ms=6000"))
    }

    @Test func invalidSecretValuesAreNotEchoedByLibrdkafkaErrors() {
        let p = KafkaProperties([("bootstrap.servers", "127.0.0.1:1"), ("group.id", "g"), ("sasl.oauthbearer.method", "hunter2-not-a-method")])
        do {
            _ = try KafkaConsumer(properties: p, topics: ["t"], logHandler: { _ in })
            Issue.record("an invalid value was accepted")
        } catch {
            #expect("\(error)".contains("sasl.oauthbearer.method"))
            #expect(!"\(error)".contains("hunter2"))
        }
    }

    @Test func autoCommitIsRefused() {
        let p = KafkaProperties([("bootstrap.servers", "127.0.0.1:1"), ("group.id", "g"), ("enable.auto.commit", "true")])
        #expect(throws: KafkaConfigurationError.self) { try KafkaConsumer(properties: p, topics: ["t"], logHandler: { _ in }) }
    }
}

@Suite("Message payloads")
struct MessageReaderTests {
    /// Reads values as messages of partition 0 (offsets from 0), all in one batch, and returns the state.
    func read(_ values: [[UInt8]?], settings: TopicSettings = TopicSettings(name: "t"), maxBytes: Int = 1 << 20,
              log: LogCollector = LogCollector()) -> AggregateState {
        MessageBatchTesting.read(values, settings: settings, maxBytes: maxBytes, log: log)
    }

    let clf = Array(#"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET /api/v1/users/42 HTTP/1.1" 200 512 "-" "curl/8.5.0""#.utf8)
    let json = Array(#"{"time_iso8601":"2026-10-10T13:55:36+00:00","remote_addr":"203.0.113.7","request":"POST /api/v1/orders HTTP/1.1","status":201,"body_bytes_sent":12}"#.utf8)

    @Test func formatIsDetectedAgainWhenTheProducerChanges() {
        let state = read([clf, clf, json, json, clf])
        #expect(state.files[0]?.parsed == 5)
        #expect(state.files[0]?.rejected == 0)
        let methods = Set(state.endpoints.keys.map(\.method))
        #expect(methods == ["GET", "POST"])
    }

    @Test func envelopesAreUnwrapped() {
        let line = String(decoding: clf, as: UTF8.self).replacingOccurrences(of: "\"", with: "\\\"")
        let filebeat = Array(#"{"@timestamp":"2026-10-10T13:55:36.000Z","message":"\#(line)","log":{"file":{"path":"/var/log/nginx/access.log"}}}"#.utf8)
        let fluentBit = Array(#"{"date":1760104536.0,"log":"\#(line)\n"}"#.utf8)
        let vector = Array(#"{"message":"\#(line)","source_type":"file","timestamp":"2026-10-10T13:55:36Z"}"#.utf8)
        let state = read([filebeat, fluentBit, vector])
        #expect(state.files[0]?.parsed == 3)
        #expect(state.files[0]?.rejected == 0)
        // With envelopes off, a shipper document is a JSON line without the request fields.
        let raw = read([filebeat], settings: TopicSettings(name: "t", format: .jsonLines, envelope: .none))
        #expect(raw.files[0]?.parsed == 0 && raw.rejectedByReason[.missingField] == 1)
    }

    /// Kong's kafka-log plugin sends one JSON document per request: detected, or set per topic.
    @Test func kongKafkaLogMessages() {
        let kong = Array(FormatDescriptor.kong.example.utf8)
        let detected = read([kong, kong])
        #expect(detected.files[0]?.parsed == 2, "\(detected.rejectedByReason)")
        let fixed = read([kong], settings: TopicSettings(name: "t", format: .kong))
        #expect(fixed.files[0]?.parsed == 1)
        #expect(fixed.endpoints.keys.contains { $0.method == "GET" && $0.host == "api.example.com" })
    }

    @Test func severalLinesPerMessageAreLocatedAtTheMessageOffset() {
        let garbage = Array("garbage token=abc".utf8)
        let message = clf + [0x0A] + garbage + [0x0A] + clf + [0x0A]
        let state = read([clf, message])
        #expect(state.files[0]?.lines == 4)
        #expect(state.files[0]?.parsed == 3)
        let sample = state.samples.first { $0.reason == .malformed }
        #expect(sample?.location.byteOffset == 1)            // the Kafka offset
        #expect(sample.map { state.lineNumber(of: $0.location) } == 2)  // the line within the message
        #expect(state.samples.allSatisfy { !$0.text.contains("abc") })
        // One chunk key per partition, whatever the number of messages (memory stays flat).
        #expect(state.chunkLines.count == 1)
    }

    @Test func messagesWithoutLogTextAreCountedAndLogged() {
        let log = LogCollector()
        let state = read([nil, [], [UInt8](repeating: 0x41, count: 300), clf], maxBytes: 200, log: log)
        #expect(state.rejectedByReason[.nullMessage] == 1)
        #expect(state.rejectedByReason[.emptyMessage] == 1)
        #expect(state.rejectedByReason[.oversizedMessage] == 1)
        #expect(state.files[0]?.lines == 4 && state.files[0]?.parsed == 1)
        #expect(log.contains("t partition 0 offset 0: null value"))
        #expect(log.contains("t partition 0 offset 2: value of 300 bytes"))
    }
}

@Suite("Snapshot schedule")
struct SnapshotScheduleTests {
    /// `/healthz` reads `isStalled`: no snapshot for longer than the limit while the engine runs.
    @Test func anEngineWithoutSnapshotsForTooLongIsStalled() throws {
        var settings = ConsumeSettings()
        settings.properties = KafkaProperties([("bootstrap.servers", "127.0.0.1:1"), ("group.id", "stall")])
        settings.topics = [TopicSettings(name: "t")]
        settings.stallAfterMillis = 200
        let engine = try ConsumerEngine(settings: settings, output: CapturingOutput(), log: { _ in })
        #expect(!engine.isStalled)
        usleep(400_000)
        #expect(engine.isStalled && engine.secondsSinceLastSnapshot >= 0.4)
        // The default limit: three intervals and a minute.
        settings.stallAfterMillis = nil
        let relaxed = try ConsumerEngine(settings: settings, output: CapturingOutput(), log: { _ in })
        usleep(400_000)
        #expect(!relaxed.isStalled)
    }

    @Test func durationsAndWindows() throws {
        #expect(try DurationText.milliseconds(parsing: "500ms", what: "x") == 500)
        #expect(try DurationText.milliseconds(parsing: "30s", what: "x") == 30_000)
        #expect(try DurationText.milliseconds(parsing: "5m", what: "x") == 300_000)
        #expect(try DurationText.milliseconds(parsing: "2h", what: "x") == 7_200_000)
        #expect(try DurationText.milliseconds(parsing: "45", what: "x") == 45_000)
        #expect(throws: KafkaConfigurationError.self) { try DurationText.milliseconds(parsing: "5 minutes", what: "x") }
        #expect(try SnapshotWindow(parsing: "cumulative") == .cumulative)
        #expect(try SnapshotWindow(parsing: "5m") == .tumbling(milliseconds: 300_000))
        #expect(throws: KafkaConfigurationError.self) { try SnapshotWindow(parsing: "10ms") }
    }

    @Test func tumblingWindowsAlignAndClose() {
        var settings = ConsumeSettings()
        settings.window = .tumbling(milliseconds: 60_000)
        settings.snapshotIntervalMillis = 25_000
        let start: Int64 = 1_800_000_000_000 + 10_000    // 10 s into a minute
        var clock = SnapshotClock(settings: settings, now: start, monotonic: 0)
        // Next snapshot: the interval (25 s) comes before the window's end (50 s).
        #expect(clock.nextSnapshot == 25_000_000_000)
        let mid = clock.window(at: start + 25_000, final: false)
        #expect(mid.start == 1_800_000_000_000 && mid.end == start + 25_000 && !mid.closesWindow)
        clock.scheduleNext(after: 25_000_000_000, wallMillis: start + 25_000)
        #expect(clock.nextSnapshot == 50_000_000_000)     // the window's end, not 25 s later
        let closing = clock.window(at: start + 50_000, final: false)
        #expect(closing.start == 1_800_000_000_000 && closing.end == 1_800_000_060_000 && closing.closesWindow)
        let next = clock.window(at: start + 55_000, final: true)
        #expect(next.start == 1_800_000_060_000 && !next.closesWindow)
    }
}
