/// A wrapper that a transport or collector puts around each log line: a syslog header, a container
/// runtime's JSON or CRI framing, a log shipper's JSON document. The access line inside is parsed by
/// its own format's parser (`EnvelopedParser`); detection finds the envelope and the inner format
/// together (`FormatDetector`), and the report names both (`format` and `envelope`).
public enum EnvelopeKind: String, CaseIterable, Sendable, Comparable {
    /// RFC 3164 / RFC 5424 syslog header, with or without `<PRI>` (`SyslogEnvelope`).
    case syslog
    /// Docker `json-file` lines, `{"log":…,"stream":…,"time":…}` (`DockerJSONEnvelope`).
    case dockerJSON = "docker_json"
    /// containerd / CRI-O `TIME STREAM F|P line` (`CRIEnvelope`).
    case cri
    /// Filebeat, Logstash, Vector, Fluent Bit JSON with the line in `message`, `log` or `event.original`,
    /// nested documents unwrapped too (`ShipperJSONEnvelope`).
    case shipperJSON = "shipper_json"

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// What unwrapping one line gave.
public enum Unwrapped {
    /// The inner line: a view into the line, or into the unwrapper's own buffer (unescaped JSON,
    /// joined fragments), valid until the next line is unwrapped.
    case line(Bytes)
    /// A fragment kept until the rest of its line arrives (CRI `P`).
    case pending
    /// The line does not carry this envelope.
    case notEnveloped
}

/// Unwraps one envelope kind, line by line. One per parser, so per thread (it owns scanners and
/// buffers).
public struct EnvelopeUnwrapper {
    public let kind: EnvelopeKind
    private var syslog = SyslogEnvelope()
    private var docker: DockerJSONEnvelope?
    private var shipper: ShipperJSONEnvelope?
    private let cri: CRIEnvelope?

    public init(_ kind: EnvelopeKind) {
        self.kind = kind
        docker = kind == .dockerJSON ? DockerJSONEnvelope() : nil
        shipper = kind == .shipperJSON ? ShipperJSONEnvelope() : nil
        cri = kind == .cri ? CRIEnvelope() : nil
    }

    @inline(__always)
    public mutating func unwrap(_ line: Bytes) -> Unwrapped {
        switch kind {
        case .syslog: return syslog.unwrap(line)
        case .dockerJSON: return docker!.unwrap(line)
        case .cri: return cri!.unwrap(line)
        case .shipperJSON: return shipper!.unwrap(line)
        }
    }

    /// Whether a partial line (CRI `P` fragments) is still waiting for its end; each call forgets one
    /// (so a parser's `finish` rejects one partial line per call, never drops it).
    public mutating func takeUnfinished() -> Bool {
        kind == .cri ? cri!.takeUnfinished() : false
    }

    /// The envelope's own time for the last unwrapped line, when it has one with a date
    /// (milliseconds since the epoch). Decoded only on request: inner lines usually carry their time.
    public func timestampMillis() -> Int64? {
        let t: Bytes
        switch kind {
        case .syslog: t = syslog.time
        case .dockerJSON: t = docker!.time
        case .cri: t = cri!.time
        case .shipperJSON: return shipper!.timestampMillis()
        }
        return t.count > 0 ? Timestamps.anyMillis(t) : nil
    }
}

/// A parser for lines of `Inner`'s format wrapped in an envelope: unwraps each line, parses the inner
/// line, and takes the envelope's time when the inner record has none. A line without the envelope
/// is given to the inner parser as it is (a syslog file also holds lines written without a header;
/// the inner parser accepts or rejects them on their own merits).
public struct EnvelopedParser<Inner: LineParser>: LineParser {
    public var unwrapper: EnvelopeUnwrapper
    public var inner: Inner

    public init(envelope: EnvelopeKind, inner: Inner) {
        unwrapper = EnvelopeUnwrapper(envelope)
        self.inner = inner
    }

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        switch unwrapper.unwrap(line) {
        case .line(let innerLine):
            let outcome = inner.parse(innerLine, into: &call)
            if outcome == .call, call.timestampMillis == RawCall.unknownTime, let t = unwrapper.timestampMillis() {
                call.timestampMillis = t
            }
            return outcome
        case .pending:
            call.reset()
            return .ignored
        case .notEnveloped:
            return inner.parse(line, into: &call)
        }
    }

    /// The inner parser's open records, then each partial line never completed, rejected as
    /// `malformed` (its fragments were counted as ignored lines).
    public mutating func finish(into call: inout RawCall) -> LineOutcome? {
        if let outcome = inner.finish(into: &call) { return outcome }
        if unwrapper.takeUnfinished() {
            call.reset()
            return .rejected(.malformed)
        }
        return nil
    }
}
