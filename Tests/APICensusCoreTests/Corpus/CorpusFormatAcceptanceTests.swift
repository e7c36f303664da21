import Foundation
import Testing
@testable import APICensusCore

/// Acceptance over the third-party corpus in `../shared/corpus` (present in CI beside the clone, not
/// in a user's clone): every sample file is recognised as its format without configuration, at
/// least 95 % of its records parse, and where the upstream project published expected results, the
/// fields APICensus reads agree with them meaning for meaning.
@Suite struct CorpusFormatAcceptanceTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/corpus")

    static var available: Bool { FileManager.default.fileExists(atPath: corpus.path) }

    /// The corpus folder → the format names a file of it may be recognised as.
    static let folderFormats: [String: Set<String>] = [
        "apache_combined": ["combined", "common"],
        "nginx_combined": ["combined"],
        "nginx_json": ["json"],
        "aws_alb": ["aws_alb"],
        "aws_elb_classic": ["aws_elb"],
        "aws_cloudfront": ["aws_cloudfront"],
        "aws_apigateway": ["aws_apigateway"],
        "aws_waf": ["aws_waf"],
        "azure_appgw": ["azure_appgw"],
        "azure_frontdoor": ["azure_frontdoor"],
        "caddy_json": ["caddy"],
        "citrix_netscaler_w3c": ["w3c"],
        "imperva_incapsula_w3c": ["w3c"],
        "cloudflare_logpush": ["cloudflare"],
        "envoy_json": ["envoy_json"],
        "envoy_text": ["envoy", "envoy_json"],
        "istio_envoy_text": ["istio"],
        "fastly": ["fastly"],
        "gcp_lb": ["gcp_lb"],
        "haproxy_http": ["haproxy"],
        "kong": ["kong"],
        "modsecurity": ["modsecurity_json", "modsecurity_native", "modsecurity_error"],
        "traefik": ["traefik_clf", "traefik_json"],
    ]

    /// Files that are not logs of the folder's format (documentation, configuration, expectations).
    static func isSampleLog(_ url: URL) -> Bool {
        let name = url.lastPathComponent
        if name.contains("expected") || name.hasSuffix(".assert") || name.hasSuffix(".yaml") || name.hasSuffix(".yml")
            || name.hasSuffix(".md") || name.hasSuffix(".ini") || name.hasSuffix(".jsonl") || name == "SOURCES.md" { return false }
        // VRL's generated documentation pages are JSON about the format, not logs of it.
        if url.deletingLastPathComponent().lastPathComponent == "vrl" { return false }
        return true
    }

    /// Every sample log of the formats APICensus reads: "folder/source/file".
    static func sampleLogs() -> [String] {
        guard available, let walker = FileManager.default.enumerator(atPath: corpus.path) else { return [] }
        var result: [String] = []
        for case let relative as String in walker {
            let url = corpus.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  relative.split(separator: "/").count == 3, isSampleLog(url),
                  let formats = folderFormats[String(relative.split(separator: "/")[0])],
                  formats.contains(where: { LogFormat(rawValue: $0) != nil }) else { continue }
            result.append(relative)
        }
        return result.sorted()
    }

    /// A file's records as APICensus reads it: the format detected from its first lines, then every
    /// line through one parser (in order, as sequential formats need).
    static func read(_ data: Data, plan: FormatPlan) -> (records: [ParsedRecord], rejected: [(line: Int, reason: RejectReason)], lines: [Int]) {
        var parser = AnyLineParser(FormatSet().makeParser(plan))
        var records: [ParsedRecord] = []
        var rejected: [(Int, RejectReason)] = []
        var nonBlank: [Int] = []
        var call = RawCall()
        let bytes = [UInt8](data)
        var lineNumber = 0
        var start = 0
        bytes.withUnsafeBufferPointer { all in
            while start <= all.count {
                var end = start
                while end < all.count, all[end] != 0x0A { end += 1 }
                if end == all.count && start == end { break }
                var contentEnd = end
                if contentEnd > start, all[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                let line = Bytes(rebasing: all[start..<contentEnd])
                if line.count > 0, line[0] != UInt8(ascii: "#") { nonBlank.append(lineNumber) }
                switch parser.parse(line, into: &call) {
                case .call: records.append(ParsedRecord(call, line: lineNumber))
                case .ignored: break
                case .rejected(let reason):
                    // As the aggregator does: diagnostics among the records are named as such.
                    rejected.append((lineNumber, ErrorLogLine.matches(line) ? .errorLog : reason))
                }
                lineNumber += 1
                start = end + 1
            }
        }
        // Records still open at the end of the input (a multi-line record, the transactions being
        // gathered) are completed or rejected.
        while let outcome = parser.finish(into: &call) {
            switch outcome {
            case .call: records.append(ParsedRecord(call, line: max(lineNumber - 1, 0)))
            case .rejected(let reason): rejected.append((max(lineNumber - 1, 0), reason))
            case .ignored: break
            }
        }
        return (records, rejected, nonBlank)
    }

    @Test(.enabled(if: available, "needs ../shared/corpus beside the clone"), arguments: sampleLogs())
    func sampleIsRecognisedParsedAndAgreesWithUpstream(relative: String) throws {
        let url = Self.corpus.appendingPathComponent(relative)
        let folder = String(relative.split(separator: "/")[0])
        let expectedFormats = Self.folderFormats[folder]!
        let data = try Data(contentsOf: url)
        let sample = [UInt8](data.prefix(1 << 20))
        let detection = sample.withUnsafeBufferPointer { FormatDetector.detect(sample: $0) }
        try #require(detection != nil, "\(relative): no format recognised")
        let format = detection!.format
        #expect(expectedFormats.contains(format.rawValue), "\(relative): recognised as \(format.rawValue), expected one of \(expectedFormats.sorted())")

        let (records, allRejected, nonBlank) = Self.read(data, plan: detection!.plan)
        // Error-log lines mixed into an access log are told apart: they are not access records.
        let errorLogLines = Set(allRejected.filter { $0.reason == .errorLog }.map(\.line))
        let rejected = allRejected.filter { $0.reason != .errorLog }
        if !errorLogLines.isEmpty { print("corpus \(relative): \(errorLogLines.count) error-log lines among the access records") }
        let share = Double(records.count) / Double(max(records.count + rejected.count, 1))
        print("corpus \(relative): \(detection!.plan) (confidence \(String(format: "%.2f", detection!.confidence))), "
              + "\(records.count) records, \(rejected.count) rejected, \(String(format: "%.1f", share * 100)) % parsed")
        #expect(share >= 0.95, "\(relative): \(records.count) parsed, rejected lines \(rejected.prefix(5).map { "\($0.line + 1): \($0.reason.rawValue)" })")

        guard let (expected, alignment, source) = CorpusExpectations.load(for: url) else { return }
        var compared = 0
        var problems: [String] = []
        // Records spanning lines (a ModSecurity transaction over several error-log lines) complete on
        // a later line than the ones an upstream reading line by line describes (transactions still
        // open are completed at the end of the input): each record is compared with the upstream
        // lines of its transaction when the upstream names it, else with the line of the same client
        // before it.
        if FormatCatalog.readsSequentially(format) && alignment == .line {
            var previousLine = -1
            for p in records {
                let sameTransaction = p.requestId.isEmpty ? [] : expected.filter { $0.transactionId == p.requestId && !errorLogLines.contains($0.index) }
                let candidates = !sameTransaction.isEmpty ? sameTransaction
                    : expected.filter { $0.index >= previousLine && $0.index <= p.line && !errorLogLines.contains($0.index) }
                previousLine = p.line
                guard !candidates.isEmpty else { continue }
                guard let e = candidates.last(where: { $0.client.map { RecordComparison.address($0) == RecordComparison.address(p.client) } ?? false }) else {
                    problems.append("line \(p.line + 1): no \(source) record of this transaction has client \(p.client)")
                    continue
                }
                compared += 1
                // Transaction-level comparison: who called and what answered; the per-line upstream
                // fields (each message's own uri) are not the transaction's request.
                var t = ExpectedRecord(index: e.index)
                t.client = e.client
                t.status = e.status
                for m in RecordComparison.mismatches(t, p) { problems.append("line \(p.line + 1): \(m)") }
            }
            print("corpus \(relative): compared \(compared) records with \(source)'s expectations, \(problems.count) differences")
            #expect(problems.isEmpty, "\(relative) vs \(source): \(problems.prefix(8).joined(separator: "; "))")
            return
        }
        for var e in expected {
            if alignment == .line && errorLogLines.contains(e.index) { continue }
            let match: ParsedRecord?
            switch alignment {
            case .line: match = records.first { $0.line == e.index }
            case .nonBlankLine: match = e.index < nonBlank.count ? records.first { $0.line == nonBlank[e.index] } : nil
            case .firstRecord: match = records.first
            }
            guard let p = match else {
                // Formats whose records span lines (a ModSecurity transaction over several error-log
                // lines) complete a record on its last line; an upstream that reads line by line has
                // expectations for the other lines too, which no record of ours sits on.
                if !FormatCatalog.readsSequentially(format) {
                    problems.append("record \(e.index): \(source) parsed it, APICensus did not")
                }
                continue
            }
            // A faithfully logged record without an HTTP request (a TCP-listener line, a TLS
            // handshake, scanner junk) has no method or path to agree on: APICensus counts it as an
            // invalid request and keeps its bytes out of the inventory.
            if !p.requestIsValid {
                e.method = nil
                e.path = nil
            }
            compared += 1
            for m in RecordComparison.mismatches(e, p) { problems.append("line \(p.line + 1): \(m)") }
        }
        print("corpus \(relative): compared \(compared) records with \(source)'s expectations, \(problems.count) differences")
        #expect(problems.isEmpty, "\(relative) vs \(source): \(problems.prefix(8).joined(separator: "; "))")
    }

    /// Vector's documented examples: each input line parses to what VRL says it holds.
    @Test(.enabled(if: available, "needs ../shared/corpus beside the clone"))
    func vrlExamplesAgree() throws {
        guard let walker = FileManager.default.enumerator(atPath: Self.corpus.path) else { return }
        var checked = 0
        for case let relative as String in walker where relative.hasSuffix(".examples.jsonl") {
            let folder = String(relative.split(separator: "/")[0])
            guard let formats = Self.folderFormats[folder] else { continue }
            for (line, expected) in CorpusExpectations.vrlExamples(Self.corpus.appendingPathComponent(relative)) {
                // VRL documents error-log examples too: no method and no status, not access records.
                if expected.method == nil && expected.status == nil { continue }
                let bytes = Array((line + "\n").utf8)
                guard let detection = bytes.withUnsafeBufferPointer({ FormatDetector.detect(sample: $0) }) else {
                    // VRL documents error cases too: those lines are rightly not records.
                    continue
                }
                #expect(formats.contains(detection.format.rawValue), "\(relative): \(line.prefix(60)) recognised as \(detection.format.rawValue)")
                let (records, _, _) = Self.read(Data(bytes), plan: detection.plan)
                guard let p = records.first else { continue }
                checked += 1
                let problems = RecordComparison.mismatches(expected, p)
                #expect(problems.isEmpty, "\(relative): \(line.prefix(80)): \(problems)")
            }
        }
        print("corpus: \(checked) VRL examples compared")
        #expect(checked >= 3)
    }
}
