/// Recognises an input's format from its first lines: every candidate parser reads the sample and
/// the one that parses the most lines wins. The confidence is the share of sampled lines it parsed.
public enum FormatDetector {
    public struct Detection: Sendable, Equatable {
        public var format: LogFormat
        /// Share of the non-blank sample lines the format parsed (0...1).
        public var confidence: Double
    }

    /// At most this many non-blank lines are tried.
    public static let sampleLines = 200
    /// Below this share of parsed lines nothing is claimed.
    public static let minimumConfidence = 0.5

    public static func detect(sample: Bytes, fieldMap: FieldMap = .default) -> Detection? {
        let lines = splitLines(sample)
        guard !lines.isEmpty else { return nil }
        var combined = CombinedLogParser(format: .combined)
        var json = JSONLinesParser(fieldMap: fieldMap)
        var call = RawCall()
        var clfParsed = 0, clfWithAgentOrReferrer = 0, jsonParsed = 0
        for line in lines {
            if combined.parse(line, into: &call) == .call {
                clfParsed += 1
                if call.userAgent.count > 0 || call.referrer.count > 0 || hasQuotedFieldsAfterStatus(line) { clfWithAgentOrReferrer += 1 }
            }
            if json.parse(line, into: &call) == .call { jsonParsed += 1 }
        }
        let total = Double(lines.count)
        let best: Detection
        if jsonParsed > clfParsed {
            best = Detection(format: .jsonLines, confidence: Double(jsonParsed) / total)
        } else {
            // The combined parser reads common lines too; the name says what the lines carry.
            let format: LogFormat = clfWithAgentOrReferrer * 2 >= clfParsed ? .combined : .common
            best = Detection(format: format, confidence: Double(clfParsed) / total)
        }
        return best.confidence >= minimumConfidence ? best : nil
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
