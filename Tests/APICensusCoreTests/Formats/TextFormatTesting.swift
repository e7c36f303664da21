import Testing
@testable import APICensusCore

/// One parsed line with its fields copied out (a `RawCall`'s views die with the line's bytes), for
/// the text-format tests.
struct TextFormatLine {
    var outcome: LineOutcome
    var method = "", target = "", version = "", host = "", client = "", user = "", referrer = "", userAgent = ""
    var scheme = "", tlsProtocol = "", tlsCipher = "", upstream = "", route = "", service = "", consumer = ""
    var wafAction = "", wafRule = "", requestId = "", forwardedFor = "", authorization = "", cookie = "", apiKey = ""
    var contentType = "", requestLine = ""
    var status: Int32 = -1, bytes: Int64 = -1, durationMicros: Int64 = -1, valid = true
    var clientCertificate = ClientCertificateEvidence.notLogged
    /// `2026-10-10T13:55:36.186Z`, or empty when the record has no time.
    var time = ""

    init(_ outcome: LineOutcome, _ c: RawCall) {
        self.outcome = outcome
        guard outcome == .call else { return }
        method = c.method.text; target = c.target.text; version = c.httpVersion.text; host = c.host.text
        client = c.client.text; user = c.user.text; referrer = c.referrer.text; userAgent = c.userAgent.text
        scheme = c.scheme.text; tlsProtocol = c.tlsProtocol.text; tlsCipher = c.tlsCipher.text
        upstream = c.upstream.text; route = c.route.text; service = c.service.text; consumer = c.consumer.text
        wafAction = c.wafAction.text; wafRule = c.wafRule.text; requestId = c.requestId.text
        forwardedFor = c.forwardedFor.text; authorization = c.authorization.text; cookie = c.cookie.text
        apiKey = c.apiKey.text; contentType = c.contentType.text; requestLine = c.requestLine.text
        status = c.status; bytes = c.responseBytes; durationMicros = c.durationMicros; valid = c.requestIsValid
        clientCertificate = c.clientCertificate
        time = c.timestampMillis == RawCall.unknownTime ? "" : ReportBuilder.isoTime(c.timestampMillis)
    }
}

enum TextFormatTesting {
    /// Every line of `text` through one parser of `format`, in order (as a sequential reader does).
    static func parse(_ format: LogFormat, _ text: String) -> [TextFormatLine] {
        var parser = FormatCatalog.descriptor(for: format).makeParser(.default)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var call = RawCall()
            return Array(line.utf8).withUnsafeBufferPointer { TextFormatLine(parser.parse($0, into: &call), call) }
        }
    }

    /// The one line of `text` (a single record) through a fresh parser.
    static func one(_ format: LogFormat, _ line: String) -> TextFormatLine {
        parse(format, line)[0]
    }

    /// What detection makes of `text`.
    static func detect(_ text: String) -> LogFormat? {
        Array((text + "\n").utf8).withUnsafeBufferPointer { FormatDetector.detect(sample: $0) }?.format
    }

    /// Writes `lines` records of the writer named after `format`, reads them back through the core
    /// pipeline and scores the templates it infers against the synthetic API.
    static func generatedRecovery(_ format: LogFormat, lines: Int = 20_000) -> (parsed: Int, ignored: Int, f1: Double) {
        let style = LogGenerator.Style(rawValue: format.rawValue)!
        var generator = LogGenerator(style: style, seed: 7)
        var bytes: [UInt8] = []
        for _ in 0..<lines { generator.appendLine(to: &bytes) }
        var aggregator = CallAggregator()
        var parser = AnyLineParser(format: format, fieldMap: .default)
        bytes.withUnsafeBufferPointer {
            _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: 0, firstLine: 0, startOffset: 0, parser: &parser)
        }
        let snapshot = aggregator.snapshot()
        let counters = snapshot.files[0]!
        let endpoints = ReportBuilder.endpoints(from: snapshot, options: ReportOptions())
        let truth = SyntheticAPI.endpoints.map { APIEndpoint(method: $0.method, template: $0.truthTemplate) }
        let inferred = endpoints.map { (method: $0.method, template: $0.template, calls: $0.stats.calls) }
        var worst = 1.0
        if style.writer.logsHost {
            for host in Set(SyntheticAPI.endpoints.map(\.host)) {
                let t = SyntheticAPI.endpoints.filter { $0.host == host }.map { APIEndpoint(method: $0.method, template: $0.truthTemplate) }
                let i = endpoints.filter { $0.host == host }.map { (method: $0.method, template: $0.template, calls: $0.stats.calls) }
                worst = min(worst, TemplateScoring.score(truth: t, inferred: i).f1)
            }
        } else {
            worst = TemplateScoring.score(truth: truth, inferred: inferred).f1
        }
        return (Int(counters.parsed), Int(counters.ignored), worst)
    }
}
