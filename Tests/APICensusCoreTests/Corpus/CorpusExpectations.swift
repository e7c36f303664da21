import Foundation
@testable import APICensusCore

/// What an upstream project says one record holds, in the meanings APICensus compares: method, host,
/// path, status, bytes, client address, timestamp and user agent. Upstreams name these differently
/// (crowdsec grok captures, Elastic ECS, Matomo regex groups, Vector VRL objects); each reader below
/// maps its upstream's names onto these meanings. A nil field is one the upstream does not state.
struct ExpectedRecord {
    /// Which record of the log file (0-based, counting the lines that are records, see `Alignment`).
    var index: Int
    var method: String?
    var host: String?
    var path: String?
    var status: Int?
    var bytes: Int?
    var client: String?
    var timeMillis: Int64?
    var userAgent: String?
    /// The transaction a line belongs to, when the upstream names it (crowdsec's ModSecurity `uniqueid`).
    var transactionId: String?
}

/// How an upstream's expectations line up with the log file.
enum Alignment {
    /// Index i is the file's line i (crowdsec: one result per input line, failures included).
    case line
    /// Index i is the i-th non-blank line that is not a `#` header (Elastic pipeline tests).
    case nonBlankLine
    /// Index 0 is the first record APICensus parsed (Matomo's first-line assertions).
    case firstRecord
}

/// One record as APICensus parsed it, copied out of the parser's byte views.
struct ParsedRecord {
    var line: Int
    var method: String
    var host: String
    var target: String
    var status: Int
    var bytes: Int64
    var client: String
    var timeMillis: Int64
    var userAgent: String
    var requestIsValid: Bool
    var requestId: String

    init(_ call: RawCall, line: Int) {
        self.line = line
        method = call.method.text
        host = call.host.text
        target = call.target.text
        status = Int(call.status)
        bytes = call.responseBytes
        client = call.client.text
        timeMillis = call.timestampMillis
        userAgent = call.userAgent.text
        requestIsValid = call.requestIsValid
        requestId = call.requestId.text
    }
}

enum CorpusExpectations {
    /// Reads the expectations that sit beside `logFile`, if its upstream published any.
    static func load(for logFile: URL) -> (records: [ExpectedRecord], alignment: Alignment, source: String)? {
        let dir = logFile.deletingLastPathComponent()
        let fm = FileManager.default
        let crowdsec = dir.appendingPathComponent("parser.assert.expected.json")
        if fm.fileExists(atPath: crowdsec.path), let records = crowdsecRecords(crowdsec) {
            return (records, .line, "crowdsec")
        }
        for name in [logFile.lastPathComponent + "-expected.condensed.json", logFile.lastPathComponent + "-expected.json"] {
            let url = dir.appendingPathComponent(name)
            if fm.fileExists(atPath: url.path), let records = elasticRecords(url) { return (records, .nonBlankLine, "elastic") }
        }
        let matomo = dir.appendingPathComponent(logFile.lastPathComponent + ".matomo-expected.json")
        if fm.fileExists(atPath: matomo.path), let records = matomoRecords(matomo) { return (records, .firstRecord, "matomo") }
        return nil
    }

    // MARK: crowdsec hubtest (parser.assert converted to JSON)

    static func crowdsecRecords(_ url: URL) -> [ExpectedRecord]? {
        guard let root = json(url) as? [String: Any], let results = root["results"] as? [String: Any],
              let parse = results["s01-parse"] as? [String: Any] else { return nil }
        // Several parsers may have run at this stage; per line, the one that succeeded speaks.
        var byLine: [Int: ExpectedRecord] = [:]
        for parserName in parse.keys.sorted() {
            guard let lines = parse[parserName] as? [[String: Any]] else { continue }
            for (i, entry) in lines.enumerated() where (entry["success"] as? Bool) == true && byLine[i] == nil {
                let parsed = entry["Parsed"] as? [String: Any] ?? [:]
                let meta = entry["Meta"] as? [String: Any] ?? [:]
                func pick(_ keys: [String], in d: [String: Any]) -> String? {
                    for k in keys { if let v = d[k] { return string(v) } }
                    return nil
                }
                var r = ExpectedRecord(index: i)
                r.method = pick(["http_verb"], in: meta) ?? pick(["verb", "method", "request_method", "http_method"], in: parsed)
                r.path = pick(["http_path"], in: meta) ?? pick(["request", "uri", "request_uri", "path"], in: parsed)
                r.status = int(pick(["http_status"], in: meta) ?? pick(["response", "status", "http_status", "elb_status_code"], in: parsed))
                r.client = pick(["source_ip"], in: meta) ?? pick(["clientip", "remote_addr", "client_ip"], in: parsed)
                r.userAgent = pick(["http_user_agent"], in: meta) ?? pick(["http_user_agent", "agent", "user_agent"], in: parsed)
                r.bytes = int(pick(["bytes", "body_bytes_sent", "sent_bytes", "size"], in: parsed))
                r.host = pick(["target_fqdn"], in: meta) ?? pick(["target_fqdn"], in: parsed)
                r.transactionId = pick(["uniqueid", "unique_id"], in: parsed)
                byLine[i] = r
            }
        }
        return byLine.keys.sorted().map { byLine[$0]! }
    }

    // MARK: Elastic pipeline tests (ECS documents, dotted or nested)

    static func elasticRecords(_ url: URL) -> [ExpectedRecord]? {
        let root = json(url)
        let documents: [[String: Any]]
        if let d = root as? [String: Any], let expected = d["expected"] as? [[String: Any]] {
            documents = expected
        } else if let list = root as? [[String: Any]] {
            documents = list
        } else {
            return nil
        }
        return documents.enumerated().map { i, doc in
            func value(_ path: String) -> Any? { lookup(doc, path) }
            var r = ExpectedRecord(index: i)
            r.method = value("http.request.method").flatMap(string)
            r.path = (value("url.original") ?? value("url.path")).flatMap(string)
            r.status = int(value("http.response.status_code").flatMap(string))
            // Elastic's Envoy and Istio pipelines put the response size (%BYTES_SENT%) in
            // http.request.body.bytes (an upstream quirk SOURCES.md notes): compare with that.
            let proxy = doc.keys.contains { $0.hasPrefix("envoyproxy") || $0.hasPrefix("istio") }
            r.bytes = int(value(proxy ? "http.request.body.bytes" : "http.response.body.bytes").flatMap(string))
            r.client = (value("source.ip") ?? value("source.address") ?? value("client.ip")).flatMap(string)
            r.userAgent = value("user_agent.original").flatMap(string)
            r.host = (value("url.domain") ?? value("destination.domain")).flatMap(string)
            r.timeMillis = value("@timestamp").flatMap(string).flatMap(isoMillis)
            return r
        }
    }

    // MARK: Matomo log-analytics tests (first-line regex groups)

    static func matomoRecords(_ url: URL) -> [ExpectedRecord]? {
        guard let root = json(url) as? [String: Any], let groups = root["first_line_regex_groups"] as? [String: Any] else { return nil }
        var r = ExpectedRecord(index: 0)
        r.path = groups["path"].flatMap(string)
        r.status = int(groups["status"].flatMap(string))
        r.bytes = int(groups["length"].flatMap(string))
        r.client = groups["ip"].flatMap(string)
        r.userAgent = groups["user_agent"].flatMap(string)
        // Matomo's `host` and `method` groups come from its test configuration for some formats
        // ("foo"), so only the fields its regex reads from the line are compared.
        return [r]
    }

    // MARK: Vector VRL documentation examples (input line + expected object)

    /// (input line, expectation) pairs of a VRL examples file.
    static func vrlExamples(_ url: URL) -> [(line: String, expected: ExpectedRecord)] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        var result: [(String, ExpectedRecord)] = []
        for line in text.split(separator: "\n") {
            guard let data = line.data(using: .utf8),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let input = object["input"] as? String, let expected = object["expected"] as? [String: Any] else { continue }
            var r = ExpectedRecord(index: 0)
            r.method = (expected["method"] ?? expected["http_method"]).flatMap(string)
            r.path = (expected["path"] ?? expected["request_url"]).flatMap(string)
            r.status = int((expected["status"] ?? expected["elb_status_code"]).flatMap(string))
            r.bytes = int((expected["size"] ?? expected["sent_bytes"]).flatMap(string))
            r.client = (expected["client"] ?? expected["client_host"]).flatMap(string)
            r.userAgent = (expected["agent"] ?? expected["user_agent"]).flatMap(string)
            r.timeMillis = expected["timestamp"].flatMap(string).flatMap(isoMillis)
            result.append((input, r))
        }
        return result
    }

    // MARK: helpers

    static func json(_ url: URL) -> Any? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONSerialization.jsonObject(with: data)
    }

    /// Looks a dotted ECS path up in a document whose keys may be nested or already dotted.
    static func lookup(_ object: [String: Any], _ path: String) -> Any? {
        if let v = object[path] { return v }
        let parts = path.split(separator: ".").map(String.init)
        for split in stride(from: parts.count - 1, through: 1, by: -1) {
            let head = parts[0..<split].joined(separator: ".")
            if let nested = object[head] as? [String: Any] {
                if let v = lookup(nested, parts[split...].joined(separator: ".")) { return v }
            }
        }
        return nil
    }

    static func string(_ v: Any) -> String? {
        switch v {
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        case let list as [Any]: return list.first.flatMap(string)
        default: return nil
        }
    }

    static func int(_ s: String?) -> Int? {
        guard let s else { return nil }
        if let i = Int(s) { return i }
        if let d = Double(s), d == d.rounded() { return Int(d) }
        return nil
    }

    static func isoMillis(_ s: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = formatter.date(from: s) { return Int64((d.timeIntervalSince1970 * 1000).rounded()) }
        formatter.formatOptions = [.withInternetDateTime]
        if let d = formatter.date(from: s) { return Int64((d.timeIntervalSince1970 * 1000).rounded()) }
        return nil
    }
}

/// Field-by-field comparison, meaning for meaning.
enum RecordComparison {
    /// The mismatches between what an upstream expects and what APICensus parsed, as readable lines.
    static func mismatches(_ e: ExpectedRecord, _ p: ParsedRecord) -> [String] {
        var out: [String] = []
        if let m = e.method, !m.isEmpty, m != "-", m != p.method { out.append("method: expected \(m), parsed \(p.method)") }
        if let s = e.status, s > 0, s != p.status { out.append("status: expected \(s), parsed \(p.status)") }
        if let b = e.bytes, !(b == Int(p.bytes) || (b == 0 && p.bytes < 0)) { out.append("bytes: expected \(b), parsed \(p.bytes)") }
        if let c = e.client, !c.isEmpty, c != "-", address(c) != address(p.client) { out.append("client: expected \(c), parsed \(p.client)") }
        if let u = e.userAgent, !sameText(u, p.userAgent) { out.append("user_agent: expected \(u), parsed \(p.userAgent)") }
        if let h = e.host, !h.isEmpty, h != "-", hostName(h) != hostName(p.host) { out.append("host: expected \(h), parsed \(p.host)") }
        if let path = e.path, !path.isEmpty, path != "-", !samePath(path, p.target) { out.append("path: expected \(path), parsed \(p.target)") }
        if let t = e.timeMillis, p.timeMillis == RawCall.unknownTime || abs(t - p.timeMillis) > 1000 {
            out.append("time: expected \(t), parsed \(p.timeMillis)")
        }
        return out
    }

    static func address(_ s: String) -> String {
        var a = s
        if a.hasPrefix("["), let close = a.firstIndex(of: "]") { return String(a[a.index(after: a.startIndex)..<close]) }
        // IPv4 with a port (ALB `client:port`); IPv6 has more than one colon.
        if a.filter({ $0 == ":" }).count == 1, let colon = a.firstIndex(of: ":") { a = String(a[..<colon]) }
        return a.lowercased()
    }

    static func hostName(_ s: String) -> String {
        var h = s.lowercased()
        if h.filter({ $0 == ":" }).count == 1, let colon = h.firstIndex(of: ":") { h = String(h[..<colon]) }
        return h
    }

    static func sameText(_ expected: String, _ parsed: String) -> Bool {
        if expected == parsed { return true }
        if (expected == "-" || expected.isEmpty) && (parsed.isEmpty || parsed == "-") { return true }
        return expected.removingPercentEncoding == parsed.removingPercentEncoding
            || expected.removingPercentEncoding == parsed
    }

    /// Paths compare equal when they are the same request target, whichever of origin form or
    /// absolute form, with or without the query, encoded or not, each side logged.
    static func samePath(_ expected: String, _ target: String) -> Bool {
        func originForm(_ s: String) -> String {
            guard let scheme = s.range(of: "://") else { return s }
            let rest = s[scheme.upperBound...]
            guard let slash = rest.firstIndex(of: "/") else { return "/" }
            return String(rest[slash...])
        }
        let e = originForm(expected), t = originForm(target)
        let candidates = [t, String(t.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])]
        for c in candidates {
            if c == e || c.removingPercentEncoding == e || c == e.removingPercentEncoding
                || c.removingPercentEncoding == e.removingPercentEncoding { return true }
        }
        return false
    }
}
