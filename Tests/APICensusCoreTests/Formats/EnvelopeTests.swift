import Testing
@testable import APICensusCore

@Suite struct EnvelopeTests {
    static let combined = #"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET /api/v1/users/42 HTTP/1.1" 200 512 "-" "curl/8.5.0""#

    /// The inner line (copied out) and the envelope's time, or nil when the line is not wrapped.
    func unwrap(_ kind: EnvelopeKind, _ line: String) -> (inner: String, time: Int64?)? {
        var unwrapper = EnvelopeUnwrapper(kind)
        return Array(line.utf8).withUnsafeBufferPointer { buf in
            switch unwrapper.unwrap(buf) {
            case .line(let inner): return (inner.text, unwrapper.timestampMillis())
            case .pending: return ("(pending)", nil)
            case .notEnveloped: return nil
            }
        }
    }

    // MARK: Syslog

    @Test func syslogRFC3164WithAndWithoutPriorityAndHost() {
        let message = Self.combined
        #expect(unwrap(.syslog, "<190>Oct 10 13:55:36 web-1 nginx: \(message)")?.inner == message)
        #expect(unwrap(.syslog, "<190>Oct  1 13:55:36 web-1 nginx[812]: \(message)")?.inner == message)
        // rsyslog's traditional file format: no priority.
        #expect(unwrap(.syslog, "Oct 10 13:55:36 web-1 apache2: \(message)")?.inner == message)
        // Relayed without a host.
        #expect(unwrap(.syslog, "<134>Oct 10 13:55:36 nginx: \(message)")?.inner == message)
        // BSD times have no year: no envelope time.
        #expect(unwrap(.syslog, "<190>Oct 10 13:55:36 web-1 nginx: \(message)")?.time == nil)
        // rsyslog's precise file format starts with an RFC 3339 time.
        let precise = unwrap(.syslog, "2026-10-10T13:55:36.250+00:00 web-1 nginx: \(message)")
        #expect(precise?.inner == message && precise?.time == utcMillis(2026, 10, 10, 13, 55, 36, 250))
    }

    @Test func syslogRFC5424() {
        let message = Self.combined
        let withSD = #"<165>1 2026-10-10T13:55:36.5Z web-1 nginx 812 access [exampleSDID@32473 iut="3" eventSource="App\]x"][meta seq="1"] "# + message
        let r = unwrap(.syslog, withSD)
        #expect(r?.inner == message && r?.time == utcMillis(2026, 10, 10, 13, 55, 36, 500))
        #expect(unwrap(.syslog, "<14>1 - - - - - - \u{FEFF}\(message)")?.inner == message)
        #expect(unwrap(.syslog, "<14>1 2026-10-10T13:55:36Z host app - - -")?.inner == "")
    }

    @Test func syslogRejectsLinesThatAreNotWrapped() {
        #expect(unwrap(.syslog, Self.combined) == nil)
        #expect(unwrap(.syslog, #"{"log":"x"}"#) == nil)
        // A date but no `tag:`.
        #expect(unwrap(.syslog, "Oct 10 13:55:36 web-1 nginx access line") == nil)
        #expect(unwrap(.syslog, "<abc>Oct 10 13:55:36 web-1 nginx: x") == nil)
        #expect(unwrap(.syslog, "<14>1 2026-10-10T13:55:36Z host app - - [unterminated") == nil)
    }

    // MARK: Containers

    @Test func dockerJSONFile() {
        let line = #"{"log":"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] \"GET /a HTTP/1.1\" 200 5 \"-\" \"curl/8\"\n","stream":"stdout","time":"2026-10-10T13:55:36.123456789Z"}"#
        let r = unwrap(.dockerJSON, line)
        #expect(r?.inner == #"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 5 "-" "curl/8""#)
        #expect(r?.time == utcMillis(2026, 10, 10, 13, 55, 36, 123))
        #expect(unwrap(.dockerJSON, #"{"log":"x\r\n","stream":"stderr","attrs":{"tag":"web"}}"#)?.inner == "x")
        // `stream` is what makes it Docker's; a JSON access log is not.
        #expect(unwrap(.dockerJSON, #"{"log":"x\n","time":"2026-10-10T13:55:36Z"}"#) == nil)
        #expect(unwrap(.dockerJSON, #"{"remote_addr":"10.0.0.1","request":"GET / HTTP/1.1"}"#) == nil)
        #expect(unwrap(.dockerJSON, #"{"log":"x","stream":"stdout""#) == nil)
    }

    /// A combined line split into CRI fragments: `P`, `P`, then the `F` that ends it.
    static func criFragments(_ stream: String, path: String) -> [String] {
        ["2026-10-10T13:55:36Z \(stream) P 203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] ",
         "2026-10-10T13:55:36Z \(stream) P \"GET \(path) HTTP/1.1\" 200 ",
         "2026-10-10T13:55:36Z \(stream) F 5 \"-\" \"curl/8\""]
    }

    @Test func criStreamsAreJoinedSeparately() {
        // stdout's and stderr's fragments interleave: each line is joined from its own stream only.
        let out = Self.criFragments("stdout", path: "/out"), err = Self.criFragments("stderr", path: "/err")
        var p = EnvelopedParser(envelope: .cri, inner: CombinedLogParser(format: .combined))
        let (calls, outcomes) = p.records([out[0], err[0], out[1], err[1], err[2], out[2]].joined(separator: "\n"))
        #expect(outcomes == [.ignored, .ignored, .ignored, .ignored, .call, .call])
        #expect(calls.map(\.target) == ["/err", "/out"])
        #expect(calls.allSatisfy { $0.status == 200 && $0.bytes == 5 && $0.agent == "curl/8" })
        // A stdout fragment followed by a full stderr line: the stderr line alone, stdout still open.
        var q = EnvelopedParser(envelope: .cri, inner: CombinedLogParser(format: .combined))
        let full = "2026-10-10T13:55:37Z stderr F \(Self.combined)"
        let (single, _) = q.records([out[0], full].joined(separator: "\n"))
        #expect(single.map(\.target) == ["/api/v1/users/42"] && single[0].client == "203.0.113.7")
        var call = RawCall()
        #expect(q.finish(into: &call) == .rejected(.malformed))
        #expect(q.finish(into: &call) == nil)
    }

    @Test func criPartialLineAtTheEndIsRejected() {
        let out = Self.criFragments("stdout", path: "/a"), err = Self.criFragments("stderr", path: "/b")
        let text = ([Self.criFragments("stdout", path: "/whole").joined(separator: "\n"), out[0], out[1], err[0]]).joined(separator: "\n") + "\n"
        // Through the aggregator: the two partial lines (stdout's two fragments, stderr's one) are
        // rejected at the end, each in place of one of its fragments, with a note saying why.
        var aggregator = CallAggregator()
        var p = EnvelopedParser(envelope: .cri, inner: AnyLineParser(CombinedLogParser(format: .combined)))
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: 0, firstLine: 0, startOffset: 0, parser: &p) }
        aggregator.finish(&p, input: 0, at: LineLocation(input: 0, chunk: 0, lineInChunk: 5, byteOffset: Int64(bytes.count)))
        let state = aggregator.snapshot()
        let c = state.files[0]!
        #expect(c.lines == 6 && c.parsed == 1 && c.rejected == 2 && c.ignored == 3)
        #expect(state.rejectedByReason[.malformed] == 2)
        #expect(state.samples.first?.text.contains("partial line never completed") == true)
        // The per-line (mixed) parser rejects them too.
        var mixed = MixedFormatParser(primary: FormatPlan(format: .combined, envelope: .cri, perLine: true), formats: FormatSet())
        let (calls, _) = mixed.records([out[0], out[1], err[0], err[1], err[2]].joined(separator: "\n"))
        #expect(calls.map(\.target) == ["/b"])
        var call = RawCall()
        #expect(mixed.finish(into: &call) == .rejected(.malformed))
        #expect(mixed.finish(into: &call) == nil)
    }

    @Test func criContainerLog() {
        let r = unwrap(.cri, "2026-10-10T13:55:36.000000001Z stdout F \(Self.combined)")
        #expect(r?.inner == Self.combined && r?.time == utcMillis(2026, 10, 10, 13, 55, 36))
        #expect(unwrap(.cri, "2026-10-10T13:55:36+02:00 stderr F oops")?.inner == "oops")
        #expect(unwrap(.cri, "2026-10-10T13:55:36Z stdout X line") == nil)
        #expect(unwrap(.cri, Self.combined) == nil)
        // Partial lines are joined up to their final fragment.
        var unwrapper = EnvelopeUnwrapper(.cri)
        var pieces: [String] = []
        for line in ["2026-10-10T13:55:36Z stdout P 203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] ",
                     #"2026-10-10T13:55:36Z stdout P "GET /a HTTP/1.1" 200 "#,
                     "2026-10-10T13:55:36Z stdout F 5"] {
            Array(line.utf8).withUnsafeBufferPointer { buf in
                switch unwrapper.unwrap(buf) {
                case .line(let inner): pieces.append(inner.text)
                case .pending: pieces.append("(pending)")
                case .notEnveloped: pieces.append("(none)")
                }
            }
        }
        #expect(pieces == ["(pending)", "(pending)", #"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 5"#])
    }

    // MARK: Shippers

    @Test func shipperJSON() {
        let filebeat = #"{"@timestamp":"2026-10-10T13:55:36.789Z","@metadata":{"beat":"filebeat"},"log":{"offset":81,"file":{"path":"/var/log/nginx/access.log"}},"message":"10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] \"GET /a HTTP/1.1\" 200 5 \"-\" \"curl/8\"","input":{"type":"log"},"host":{"name":"web-1"}}"#
        let r = unwrap(.shipperJSON, filebeat)
        #expect(r?.inner == #"10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 5 "-" "curl/8""#)
        #expect(r?.time == utcMillis(2026, 10, 10, 13, 55, 36, 789))
        let vector = #"{"file":"/var/log/nginx/access.log","host":"web-1","message":"line one","source_type":"file","timestamp":"2026-10-10T13:55:36Z"}"#
        #expect(unwrap(.shipperJSON, vector)?.inner == "line one")
        let fluentBit = #"{"date":1791640536.5,"log":"line two\n"}"#
        let f = unwrap(.shipperJSON, fluentBit)
        #expect(f?.inner == "line two" && f?.time == utcMillis(2026, 10, 10, 13, 55, 36, 500))
        #expect(unwrap(.shipperJSON, #"{"message":{"nested":true}}"#) == nil)
        // ECS keeps the line in event.original when message was parsed away.
        #expect(unwrap(.shipperJSON, #"{"@timestamp":"2026-10-10T13:55:36Z","event":{"original":"line three"}}"#)?.inner == "line three")
        // A Docker json-file line shipped by Filebeat: both documents are unwrapped; the outer time is kept.
        let nested = unwrap(.shipperJSON, #"{"@timestamp":"2026-10-10T13:55:37Z","message":"{\"log\":\"line \\\"four\\\"\\n\",\"stream\":\"stdout\",\"time\":\"2026-10-10T13:55:36Z\"}"}"#)
        #expect(nested?.inner == #"line "four""# && nested?.time == utcMillis(2026, 10, 10, 13, 55, 37))
        #expect(unwrap(.shipperJSON, #"{"status":200}"#) == nil)
    }

    // MARK: The enveloped parser

    @Test func envelopedParserParsesTheInnerLineAndTakesTheEnvelopeTimeWhenNeeded() throws {
        var p = EnvelopedParser(envelope: .dockerJSON, inner: CombinedLogParser(format: .combined))
        let r = p.record(#"{"log":"10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] \"GET /a HTTP/1.1\" 200 5 \"-\" \"curl/8\"\n","stream":"stdout","time":"2026-10-10T13:55:40Z"}"#)
        #expect(r.outcome == .call && r.target == "/a" && r.time == utcMillis(2026, 10, 10, 13, 55, 36) && r.agent == "curl/8")
        // A line without the envelope is given to the inner parser as it is.
        #expect(p.record(Self.combined).target == "/api/v1/users/42")
        #expect(p.record(#"{"log":"not an access line\n","stream":"stderr"}"#).outcome == .rejected(.malformed))
        // An inner format that logs no time gets the envelope's.
        let untimed = try CustomFormat.compile(nginx: #"$remote_addr "$request" $status"#)
        var q = EnvelopedParser(envelope: .cri, inner: CustomFormatParser(untimed))
        let t = q.record(#"2026-10-10T13:55:36.250Z stdout F 10.0.0.1 "GET /a HTTP/1.1" 200"#)
        #expect(t.outcome == .call && t.time == utcMillis(2026, 10, 10, 13, 55, 36, 250))
        #expect(q.record("2026-10-10T13:55:36.250Z stdout P 10.0.0.1 ").outcome == .ignored)
    }

    // MARK: Detection

    @Test func detectionFindsTheFormatInsideTheEnvelope() {
        func lines(_ wrap: (String, Int) -> String) -> String {
            (0..<6).map { i in wrap(#"10.0.0.\#(i) - - [10/Oct/2026:13:55:3\#(i) +0000] "GET /v1/items/\#(i) HTTP/1.1" 200 \#(i) "-" "curl/8""#, i) }
                .joined(separator: "\n") + "\n"
        }
        func escaped(_ s: String) -> String { s.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") }
        let syslog = detectSample(lines { l, _ in "<190>Oct 10 13:55:36 web-1 nginx: \(l)" })
        #expect(syslog?.format == .combined && syslog?.envelope == .syslog && syslog?.confidence == 1 && syslog?.perLine == false)
        let rsyslog = detectSample(lines { l, _ in "Oct 10 13:55:36 web-1 nginx: \(l)" })
        #expect(rsyslog?.format == .combined && rsyslog?.envelope == .syslog)
        let docker = detectSample(lines { l, _ in #"{"log":"\#(escaped(l))\n","stream":"stdout","time":"2026-10-10T13:55:36Z"}"# })
        #expect(docker?.format == .combined && docker?.envelope == .dockerJSON)
        let cri = detectSample(lines { l, _ in "2026-10-10T13:55:36.1Z stdout F \(l)" })
        #expect(cri?.format == .combined && cri?.envelope == .cri)
        let filebeat = detectSample(lines { l, _ in #"{"@timestamp":"2026-10-10T13:55:36Z","message":"\#(escaped(l))","log":{"offset":1}}"# })
        #expect(filebeat?.format == .combined && filebeat?.envelope == .shipperJSON)
        // NGINX JSON inside Docker JSON.
        let json = (0..<4).map { i in #"{"log":"{\"remote_addr\":\"10.0.0.\#(i)\",\"request\":\"GET /a HTTP/1.1\",\"status\":200}\n","stream":"stdout","time":"2026-10-10T13:55:36Z"}"# }
            .joined(separator: "\n") + "\n"
        let nested = detectSample(json)
        #expect(nested?.format == .jsonLines && nested?.envelope == .dockerJSON)
        // Unwrapped logs stay unwrapped.
        #expect(detectSample(lines { l, _ in l })?.envelope == nil)
        #expect(detectSample(#"{"remote_addr":"10.0.0.1","request":"GET /a HTTP/1.1","status":200,"message":"handled"}"# + "\n") == .init(format: .jsonLines, confidence: 1))
        // Syslog lines whose messages are not access lines are not claimed.
        #expect(detectSample("<38>Oct 10 13:55:36 host sshd[1]: Accepted publickey for root\n<38>Oct 10 13:55:37 host sshd[1]: session opened\n") == nil)
    }

    @Test func forcedFormatStillFindsItsEnvelope() {
        let text = "<190>Oct 10 13:55:36 web-1 nginx: \(Self.combined)\n<190>Oct 10 13:55:37 web-1 nginx: \(Self.combined)\n"
        let envelope = Array(text.utf8).withUnsafeBufferPointer { FormatDetector.envelope(of: .combined, sample: $0, formats: FormatSet()) }
        #expect(envelope == .syslog)
        let plain = Array((Self.combined + "\n").utf8).withUnsafeBufferPointer { FormatDetector.envelope(of: .combined, sample: $0, formats: FormatSet()) }
        #expect(plain == nil)
    }
}
