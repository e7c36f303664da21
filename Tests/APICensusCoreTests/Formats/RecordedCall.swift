@testable import APICensusCore

/// Every field of a `RawCall` copied out as text, with the outcome, so a test can compare them after
/// the line (and the parser's buffers) are gone.
struct RecordedCall: Equatable {
    var outcome: LineOutcome
    var method = "", target = "", version = "", requestLine = "", host = "", client = "", user = ""
    var referrer = "", agent = "", scheme = "", tls = "", cipher = "", upstream = "", route = "", service = ""
    var consumer = "", wafAction = "", wafRule = "", requestId = "", forwardedFor = "", authorization = ""
    var cookie = "", apiKey = "", contentType = ""
    var status: Int32 = -1
    var bytes: Int64 = -1
    var time: Int64 = RawCall.unknownTime
    var duration: Int64 = -1
    var valid = true
    var certificate = ClientCertificateEvidence.notLogged

    init(_ outcome: LineOutcome, _ c: RawCall) {
        self.outcome = outcome
        method = c.method.text; target = c.target.text; version = c.httpVersion.text; requestLine = c.requestLine.text
        host = c.host.text; client = c.client.text; user = c.user.text; referrer = c.referrer.text; agent = c.userAgent.text
        scheme = c.scheme.text; tls = c.tlsProtocol.text; cipher = c.tlsCipher.text; upstream = c.upstream.text
        route = c.route.text; service = c.service.text; consumer = c.consumer.text; wafAction = c.wafAction.text
        wafRule = c.wafRule.text; requestId = c.requestId.text; forwardedFor = c.forwardedFor.text
        authorization = c.authorization.text; cookie = c.cookie.text; apiKey = c.apiKey.text; contentType = c.contentType.text
        status = c.status; bytes = c.responseBytes; time = c.timestampMillis; duration = c.durationMicros
        valid = c.requestIsValid; certificate = c.clientCertificate
    }
}

extension LineParser {
    /// Parses one line from a buffer that is freed right after, as the batch runner's are reused.
    mutating func record(_ line: String) -> RecordedCall {
        var call = RawCall()
        let bytes = Array(line.utf8)
        return bytes.withUnsafeBufferPointer { RecordedCall(parse($0, into: &call), call) }
    }

    /// Parses each line in turn; the records of the lines that gave `.call`, and every outcome.
    mutating func records(_ text: String) -> (calls: [RecordedCall], outcomes: [LineOutcome]) {
        var calls: [RecordedCall] = []
        var outcomes: [LineOutcome] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let r = record(String(line))
            outcomes.append(r.outcome)
            if r.outcome == .call { calls.append(r) }
        }
        return (calls, outcomes)
    }
}

/// Milliseconds since the epoch of a UTC date and time, for expectations.
func utcMillis(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int, _ ms: Int = 0) -> Int64 {
    Int64(Timestamps.daysFromCivil(year: y, month: mo, day: d) * 86_400 + h * 3600 + mi * 60 + s) * 1000 + Int64(ms)
}

func detectSample(_ text: String, formats: FormatSet = FormatSet()) -> FormatDetector.Detection? {
    Array(text.utf8).withUnsafeBufferPointer { FormatDetector.detect(sample: $0, formats: formats) }
}
