/// Recognises an input's format from its first lines: every candidate parser reads the sample and
/// the one that parses the most lines wins. The confidence is the share of sampled lines it parsed.
public enum FormatDetector {
    public struct Detection: Sendable, Equatable {
        public var format: LogFormat
        /// Share of the sample lines the format parsed (0...1), out of the non-blank lines it did not
        /// ignore by design (a W3C file's `#` directives, HAProxy's process messages).
        public var confidence: Double
    }

    /// At most this many non-blank lines are tried.
    public static let sampleLines = 200
    /// Below this share of parsed lines nothing is claimed.
    public static let minimumConfidence = 0.5

    public static func detect(sample: Bytes, fieldMap: FieldMap = .default) -> Detection? {
        let lines = splitLines(sample)
        guard !lines.isEmpty else { return nil }
        var call = RawCall()
        // The CLF family first: the combined parser also reads common lines, and the lines' shape
        // decides which of the two names they get.
        var combined = CombinedLogParser(format: .combined)
        var clfParsed = 0, clfWithAgentOrReferrer = 0
        for line in lines where combined.parse(line, into: &call) == .call {
            clfParsed += 1
            if call.userAgent.count > 0 || call.referrer.count > 0 || hasQuotedFieldsAfterStatus(line) { clfWithAgentOrReferrer += 1 }
        }
        var best = (format: clfWithAgentOrReferrer * 2 >= clfParsed ? LogFormat.combined : .common,
                    parsed: clfParsed, ignored: 0, specificity: FormatDescriptor.combined.specificity)
        // Every other format: the one parsing the most lines wins; on a tie, the more specific.
        for descriptor in FormatCatalog.all where descriptor.format != .combined && descriptor.format != .common {
            var parser = descriptor.makeParser(fieldMap)
            var parsed = 0, ignored = 0
            for line in lines {
                switch parser.parse(line, into: &call) {
                case .call: parsed += 1
                case .ignored: ignored += 1
                case .rejected: break
                }
            }
            if parsed > best.parsed || (parsed == best.parsed && parsed > 0 && descriptor.specificity > best.specificity) {
                best = (descriptor.format, parsed, ignored, descriptor.specificity)
            }
        }
        let considered = max(lines.count - best.ignored, 1)
        let detection = Detection(format: best.format, confidence: Double(best.parsed) / Double(considered))
        return detection.confidence >= minimumConfidence ? detection : nil
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
