/// Per-line fallback for inputs that mix formats (a Kafka topic fed by several edges, a file several
/// services append to, a collector's output mixing syslog-wrapped and raw lines): each line is parsed
/// by whichever format accepts it.
///
/// Each line is looked at through its possible envelopes in a fixed order — the input's detected
/// envelope, then the text envelopes (syslog, CRI: a lenient text format could otherwise read their
/// header as fields), then the line as it is, then the JSON envelopes (whose lines JSON access-log
/// formats read first) — and at each step offered to the formats that read line by line: the
/// detected format first, then the custom format when configured, then the catalog, most specific
/// first. The detected format always stays first: detection chose it over the lenient formats that
/// also read its lines (the CLF parser reads Traefik's lines, `json_lines` reads Kong's keys). Among
/// the others, a format that accepts a line moves to the front of its own specificity, never ahead of a
/// more specific format, so a stream that switches formats pays for the search once per switch, not
/// once per line, and a lenient format that took one odd line cannot take over the lines of a
/// specific one. A line no format accepts is rejected with the reason the detected format
/// gave. Formats whose lines depend on earlier lines (W3C `#Fields`, ModSecurity's multi-line records)
/// are not offered: they cannot judge a line alone.
///
/// `takeCounts()` hands out how many records each format parsed since it was last called, for the
/// report's per-line format counts.
public struct MixedFormatParser: LineParser {
    private struct Candidate {
        let format: LogFormat
        let specificity: Int
        var parser: any LineParser
    }

    private var candidates: [Candidate]
    /// Candidate indices in the order they are tried: the detected format, then the others by
    /// specificity (most specific first), most recently successful first within one specificity.
    private var order: [Int]
    /// Ways to get at the inner line, in the order they are tried: nil for the line as it is, else an
    /// envelope.
    private var wrappers: [EnvelopeUnwrapper?]
    private var counts: [UInt64]
    private let primaryFormat: Int
    public let primary: FormatPlan

    public init(primary: FormatPlan, formats: FormatSet) {
        self.primary = primary
        var list: [Candidate] = []
        let lineByLine = formats.descriptors.filter { !$0.readsSequentially }
        let sorted = lineByLine.enumerated().sorted {
            // Most specific first; catalog order among equals.
            $0.element.specificity != $1.element.specificity ? $0.element.specificity > $1.element.specificity : $0.offset < $1.offset
        }.map(\.element)
        if let d = formats.descriptor(for: primary.format) {
            list.append(Candidate(format: d.format, specificity: d.specificity, parser: d.makeParser(formats.fieldMap)))
        } else {
            list.append(Candidate(format: primary.format, specificity: 0, parser: UnrecognisedFormatParser()))
        }
        for d in sorted where d.format != primary.format {
            list.append(Candidate(format: d.format, specificity: d.specificity, parser: d.makeParser(formats.fieldMap)))
        }
        candidates = list
        order = Array(list.indices)
        counts = Array(repeating: 0, count: list.count)
        primaryFormat = 0
        var wrappers: [EnvelopeUnwrapper?] = []
        if let e = primary.envelope { wrappers.append(EnvelopeUnwrapper(e)) }
        for kind in [EnvelopeKind.syslog, .cri] where kind != primary.envelope { wrappers.append(EnvelopeUnwrapper(kind)) }
        wrappers.append(nil)
        for kind in [EnvelopeKind.dockerJSON, .shipperJSON] where kind != primary.envelope { wrappers.append(EnvelopeUnwrapper(kind)) }
        self.wrappers = wrappers
    }

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        var firstRejection: LineOutcome?
        var w = 0
        while w < wrappers.count {
            var inner = line
            if wrappers[w] != nil {
                switch wrappers[w]!.unwrap(line) {
                case .line(let l): inner = l
                case .pending: call.reset(); return .ignored
                case .notEnveloped: w += 1; continue
                }
            }
            var k = 0
            while k < order.count {
                let c = order[k]
                let outcome = candidates[c].parser.parse(inner, into: &call)
                if outcome == .call {
                    counts[c] &+= 1
                    if k > 1 { promote(at: k) }
                    if call.timestampMillis == RawCall.unknownTime, let unwrapper = wrappers[w], let t = unwrapper.timestampMillis() {
                        call.timestampMillis = t
                    }
                    return .call
                }
                if firstRejection == nil {
                    // The detected format on the first way in decides blank lines and comments.
                    if outcome == .ignored, c == primaryFormat { return .ignored }
                    if c == primaryFormat { firstRejection = outcome }
                }
                k += 1
            }
            w += 1
        }
        call.reset()
        return firstRejection ?? .rejected(.unknownFormat)
    }

    /// Partial lines (CRI `P` fragments) never completed, one per call: rejected as `malformed`. The
    /// formats offered here read line by line and hold no record open.
    public mutating func finish(into call: inout RawCall) -> LineOutcome? {
        for w in wrappers.indices where wrappers[w]?.takeUnfinished() == true {
            call.reset()
            return .rejected(.malformed)
        }
        return nil
    }

    /// Moves the candidate at `order[k]` (not the detected format) to the front of the candidates of
    /// its specificity: after the detected format and after every more specific one.
    private mutating func promote(at k: Int) {
        let c = order[k]
        var front = 1
        while front < k, candidates[order[front]].specificity > candidates[c].specificity { front += 1 }
        guard front < k else { return }
        order.remove(at: k)
        order.insert(c, at: front)
    }

    /// Records parsed per format since the last call (formats with none left out), and resets them.
    public mutating func takeCounts() -> [(format: LogFormat, records: UInt64)] {
        var result: [(LogFormat, UInt64)] = []
        for (i, n) in counts.enumerated() where n > 0 { result.append((candidates[i].format, n)) }
        for i in counts.indices { counts[i] = 0 }
        return result
    }
}
