/// Recognises an input's format from its first lines: every candidate parser reads the sample and
/// the one that parses the most lines wins. The confidence is the share of sampled lines it parsed.
///
/// Envelopes are tried too: the sample is unwrapped with each envelope kind (syslog, Docker JSON, CRI,
/// shipper JSON) and the formats are scored on the inner lines; an envelope is chosen when the format
/// inside it parses at least as many lines as any format does on the lines as they are (a lenient
/// format may read a wrapped line whole — the CLF parser takes a syslog header for a virtual host —
/// but then gets its fields wrong). When the best
/// format parses less than `perLineBelow` of the sample, or no format reaches `minimumConfidence` but
/// the formats together do, lines are parsed per line (`MixedFormatParser`).
public enum FormatDetector {
    public struct Detection: Sendable, Equatable {
        public var format: LogFormat
        /// Share of the sample lines the format parsed (0...1), out of the non-blank lines it did not
        /// ignore by design (a W3C file's `#` directives, HAProxy's process messages).
        public var confidence: Double
        /// The envelope the lines are wrapped in, if any.
        public var envelope: EnvelopeKind? = nil
        /// Lines of other formats are mixed in: parse each line with whichever format accepts it.
        public var perLine = false

        public var plan: FormatPlan { FormatPlan(format: format, envelope: envelope, perLine: perLine) }
    }

    /// At most this many non-blank lines are tried.
    public static let sampleLines = 200
    /// Below this share of parsed lines nothing is claimed.
    public static let minimumConfidence = 0.5
    /// Below this share, lines the detected format rejects are offered to the other formats.
    public static let perLineBelow = 0.9

    public static func detect(sample: Bytes, fieldMap: FieldMap = .default) -> Detection? {
        detect(sample: sample, formats: FormatSet(fieldMap: fieldMap))
    }

    public static func detect(sample: Bytes, formats: FormatSet) -> Detection? {
        let lines = splitLines(sample)
        guard !lines.isEmpty else { return nil }
        var covered = [Bool](repeating: false, count: lines.count)
        var best = score(lines, indices: Array(lines.indices), formats: formats, covered: &covered)
        var envelope: EnvelopeKind?
        for kind in EnvelopeKind.allCases {
            // Scored even when it cannot win: its lines count towards the per-line coverage.
            let unwrapped = UnwrappedSample(lines, kind)
            guard unwrapped.count > 0 else { continue }
            let inner = unwrapped.withLines { score($0, indices: unwrapped.indices, formats: formats, covered: &covered) }
            // On a tie the envelope wins over a lenient format reading the wrapped lines whole
            // (specificity 0: CLF takes a syslog header for a vhost), not over a specific format that
            // reads its own prefix (HAProxy's syslog header).
            if inner.parsed > 0,
               inner.parsed > best.parsed || (inner.parsed == best.parsed && envelope == nil && best.specificity == 0) {
                best = inner
                envelope = kind
            }
        }
        let confidence = Double(best.parsed) / Double(max(lines.count - best.ignored, 1))
        let coverage = Double(covered.filter { $0 }.count) / Double(lines.count)
        let lineByLine = !formats.readsSequentially(best.format)
        if confidence >= minimumConfidence {
            return Detection(format: best.format, confidence: confidence, envelope: envelope,
                             perLine: lineByLine && confidence < perLineBelow && coverage > confidence)
        }
        if lineByLine, best.parsed > 0, coverage >= minimumConfidence {
            return Detection(format: best.format, confidence: confidence, envelope: envelope, perLine: true)
        }
        return nil
    }

    /// The envelope `format` is wrapped in, when it parses at least as much of the sample inside one as
    /// it does of the lines as they are (for `--format`: the format is known, its envelope is not).
    public static func envelope(of format: LogFormat, sample: Bytes, formats: FormatSet) -> EnvelopeKind? {
        guard let descriptor = formats.descriptor(for: format) else { return nil }
        let lines = splitLines(sample)
        func parsed(_ lines: [Bytes]) -> Int {
            var call = RawCall()
            return read(lines, with: descriptor, formats: formats, call: &call, onCall: { _ in }).parsed
        }
        var best = (kind: EnvelopeKind?.none, parsed: parsed(lines))
        for kind in EnvelopeKind.allCases {
            let unwrapped = UnwrappedSample(lines, kind)
            guard unwrapped.count > 0, unwrapped.count >= best.parsed else { continue }
            let n = unwrapped.withLines(parsed)
            if n > 0, n >= best.parsed, best.kind == nil || n > best.parsed { best = (kind, n) }
        }
        return best.kind
    }

    /// The format parsing the most of `lines` (ties: the more specific); `covered` marks, by
    /// `indices`, every line some format parsed.
    static func score(_ lines: [Bytes], indices: [Int], formats: FormatSet,
                      covered: inout [Bool]) -> (format: LogFormat, parsed: Int, ignored: Int, specificity: Int) {
        var call = RawCall()
        // The CLF family first: the combined parser also reads common lines, and the lines' shape
        // decides which of the two names they get.
        var combined = CombinedLogParser(format: .combined)
        var clfParsed = 0, clfWithAgentOrReferrer = 0
        for (i, line) in lines.enumerated() where combined.parse(line, into: &call) == .call {
            clfParsed += 1
            covered[indices[i]] = true
            if call.userAgent.count > 0 || call.referrer.count > 0 || hasQuotedFieldsAfterStatus(line) { clfWithAgentOrReferrer += 1 }
        }
        var best = (format: clfWithAgentOrReferrer * 2 >= clfParsed ? LogFormat.combined : .common,
                    parsed: clfParsed, ignored: 0, specificity: FormatDescriptor.combined.specificity)
        // Every other format: the one parsing the most lines wins; on a tie, the more specific. A
        // format whose records span lines also gets the lines it reads without a record ending there.
        for descriptor in formats.descriptors where descriptor.format != .combined && descriptor.format != .common {
            let (parsed, ignored) = read(lines, with: descriptor, formats: formats, call: &call, onCall: { covered[indices[$0]] = true })
            if parsed > best.parsed || (parsed == best.parsed && parsed > 0 && descriptor.specificity > best.specificity) {
                best = (descriptor.format, parsed, ignored, descriptor.specificity)
            }
        }
        return best
    }

    /// How many of `lines` one format reads, and how many it skips by design. `onCall` gets the index
    /// of each line that gave a record.
    ///
    /// A format whose records span lines (`readsSequentially`) also reads the lines it takes without a
    /// record ending there (a W3C header, a transaction's further messages) — but only when it gave a
    /// record or started one (its `finish` at the end of the sample has one open): ModSecurity's
    /// error-log parser takes every error-log line without a ModSecurity message as `.ignored`, and a
    /// plain error log must not be recognised as a ModSecurity log with no calls in it. Those lines
    /// are not marked covered either: they hold no call a per-line parser would find.
    static func read(_ lines: [Bytes], with descriptor: FormatDescriptor, formats: FormatSet, call: inout RawCall,
                     onCall: (Int) -> Void) -> (parsed: Int, ignored: Int) {
        var parser = descriptor.makeParser(formats.fieldMap)
        var calls = 0, ignored = 0
        for (i, line) in lines.enumerated() {
            switch parser.parse(line, into: &call) {
            case .call:
                calls += 1
                onCall(i)
            case .ignored:
                // Lines a format skips by design (HAProxy's process messages) are not held against
                // its confidence.
                ignored += 1
            case .rejected:
                break
            }
        }
        guard descriptor.readsSequentially else { return (calls, ignored) }
        var started = false
        // At most `ModSecurityErrorLogParser.openLimit` open records; the bound only guards a parser
        // that would never say it is done.
        for _ in 0..<64 {
            guard let outcome = parser.finish(into: &call) else { break }
            started = true
            // The record's lines were counted as ignored; one of them is the record.
            if outcome == .call, ignored > 0 { calls += 1; ignored -= 1 }
        }
        guard calls > 0 || started else { return (0, 0) }
        return (calls + ignored, 0)
    }

    /// The sample's lines unwrapped from one envelope kind, copied (JSON envelopes unescape into a
    /// buffer reused per line) into storage of their own.
    struct UnwrappedSample {
        private var storage: [UInt8] = []
        private var ranges: [Range<Int>] = []
        /// Index in the sample of each unwrapped line.
        private(set) var indices: [Int] = []
        /// Sample lines that carry the envelope (CRI fragments included).
        private(set) var count = 0

        init(_ lines: [Bytes], _ kind: EnvelopeKind) {
            var unwrapper = EnvelopeUnwrapper(kind)
            for (i, line) in lines.enumerated() {
                switch unwrapper.unwrap(line) {
                case .line(let inner):
                    let start = storage.count
                    storage.append(contentsOf: inner)
                    ranges.append(start..<storage.count)
                    indices.append(i)
                    count += 1
                case .pending:
                    count += 1
                case .notEnveloped:
                    break
                }
            }
        }

        func withLines<R>(_ body: ([Bytes]) -> R) -> R {
            storage.withUnsafeBufferPointer { buffer in
                body(ranges.map { Bytes(rebasing: buffer[$0]) })
            }
        }
    }

    /// Non-blank lines of the sample; a last line cut by the sample's end is left out.
    static func splitLines(_ sample: Bytes) -> [Bytes] {
        var result: [Bytes] = []
        var start = 0
        var i = 0
        while i < sample.count, result.count < sampleLines {
            if sample[i] == 0x0A {
                var end = i
                if end > start, sample[end - 1] == 0x0D { end -= 1 }
                if end > start { result.append(Bytes(rebasing: sample[start..<end])) }
                start = i + 1
            }
            i += 1
        }
        // A short sample with no newline at all is one whole line (a one-line file).
        if result.isEmpty, start < sample.count, sample.count < (64 << 10) {
            result.append(Bytes(rebasing: sample[start...]))
        }
        return result
    }

    /// `… 200 123 "ref" "agent"`: two quoted fields after the request (a combined line whose
    /// referrer and agent are both `-`).
    static func hasQuotedFieldsAfterStatus(_ line: Bytes) -> Bool {
        var quotes = 0
        for b in line where b == UInt8(ascii: "\"") { quotes += 1 }
        return quotes >= 6
    }
}
