/// Writes deterministic synthetic access logs of the synthetic API: the same seed gives the same
/// bytes on every machine. Traffic is skewed like real traffic: a few endpoints, clients and ids get
/// most calls. Query strings carry API keys and tokens on purpose, so tests can check that no secret
/// reaches the report.
public struct LogGenerator {
    /// The log format written: a name of `SyntheticLogWriters.all`.
    public struct Style: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        public let rawValue: String

        public init?(rawValue: String) {
            guard SyntheticLogWriters.writer(named: rawValue) != nil else { return nil }
            self.rawValue = rawValue
        }

        private init(builtIn name: String) { rawValue = name }

        public static let combined = Style(builtIn: "combined")
        public static let common = Style(builtIn: "common")
        public static let json = Style(builtIn: "json")
        /// `combined` with the virtual host in front (NGINX `$host $remote_addr …`), so hosts are known.
        public static let vhostCombined = Style(builtIn: "vhost_combined")

        public static var allCases: [Style] { SyntheticLogWriters.all.map { Style(builtIn: $0.name) } }

        public var writer: any SyntheticLogWriter { SyntheticLogWriters.writer(named: rawValue)! }
        public var description: String { rawValue }
    }

    public let style: Style
    private var rng: SplitMix64
    private let endpoints = SyntheticAPI.endpoints
    private let endpointSampler: ZipfSampler
    private let clientSampler = ZipfSampler(count: 5_000, exponent: 1.1)
    private let idSampler = ZipfSampler(count: 2_000, exponent: 1.05)
    private let nameSampler = ZipfSampler(count: 400, exponent: 1.0)
    private let slugSampler = ZipfSampler(count: 250, exponent: 0.9)
    private var timeMillis: Int64
    private var wroteHeader = false
    private let names: [String]
    private let slugs: [String]

    static let userAgents = [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "okhttp/4.12.0", "python-requests/2.32.3", "Go-http-client/2.0", "curl/8.5.0",
        "aws-sdk-java/2.25.10 Linux/6.1 OpenJDK_64-Bit_Server_VM/17", "PostmanRuntime/7.39.0",
        "kube-probe/1.30", "Prometheus/2.53.0",
    ]
    static let firstNames = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
                             "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "zoe"]
    static let words = ["blue", "red", "steel", "oak", "linen", "classic", "ultra", "mini", "pro", "eco",
                        "desk", "lamp", "chair", "kettle", "jacket", "boots", "watch", "phone", "case", "table"]

    public init(style: Style, seed: UInt64, startMillis: Int64 = 1_767_225_600_000) {
        self.style = style
        rng = SplitMix64(seed: seed)
        endpointSampler = ZipfSampler(count: SyntheticAPI.endpoints.count, exponent: 0.8)
        timeMillis = startMillis
        var nameRng = SplitMix64(seed: 0x5EED)
        names = (0..<400).map { i in
            let base = LogGenerator.firstNames[nameRng.below(LogGenerator.firstNames.count)]
            return i < 20 ? LogGenerator.firstNames[i] : "\(base)\(["", "_", "-", "."][nameRng.below(4)])\(nameRng.below(10_000))"
        }
        slugs = (0..<250).map { i in
            "\(LogGenerator.words[i % 20])-\(LogGenerator.words[(i / 20 + i) % 20])-\(i)"
        }
    }

    /// The templates the generated traffic was drawn from, as `METHOD host template` lines.
    public static func truth(style: Style) -> [String] {
        let hostKnown = style.writer.logsHost
        return Array(Set(SyntheticAPI.endpoints.map {
            hostKnown ? "\($0.method) \($0.host) \($0.truthTemplate)" : "\($0.method) \($0.truthTemplate)"
        })).sorted()
    }

    /// Appends one record (with its `\n`) to `out`, after the format's header lines before the first.
    public mutating func appendLine(to out: inout [UInt8]) {
        let writer = style.writer
        if !wroteHeader {
            wroteHeader = true
            out.append(contentsOf: writer.header.utf8)
        }
        writer.append(nextRecord(), to: &out)
        out.append(UInt8(ascii: "\n"))
    }

    /// Draws the next call.
    public mutating func nextRecord() -> SyntheticRecord {
        let endpoint = endpoints[endpointSampler.sample(&rng)]
        timeMillis += Int64(rng.below(40))
        let clientIndex = clientSampler.sample(&rng)
        let path = fill(endpoint.pattern)
        let query = queryString(for: endpoint)
        let status = statusCode(endpoint)
        let bytes = status == 204 || endpoint.method == "DELETE" ? 0 : 200 + rng.below(18_000)
        let durationMicros = 800 + rng.below(40_000) + (rng.below(100) == 0 ? rng.below(2_000_000) : 0)
        let referrer = rng.below(5) == 0 ? "https://\(endpoint.host)/app?session=\(hexToken(32))" : "-"
        return SyntheticRecord(
            method: endpoint.method, host: endpoint.host, path: path, query: query,
            httpVersion: clientIndex % 3 == 0 ? "2.0" : "1.1", client: clientAddress(clientIndex),
            user: clientIndex % 7 == 0 ? LogGenerator.firstNames[clientIndex % 20] : "-",
            referrer: referrer, userAgent: LogGenerator.userAgents[clientIndex % LogGenerator.userAgents.count],
            status: status, bytes: bytes, durationMicros: durationMicros, timeMillis: timeMillis,
            clientIndex: clientIndex, variant: rng.next())
    }

    private mutating func fill(_ pattern: String) -> String {
        var result = ""
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            switch rest[rest.index(after: open)..<close] {
            case "int": result += String(idValue())
            case "uuid": result += uuid()
            case "hex": result += hexToken(24)
            case "name": result += names[nameSampler.sample(&rng)]
            case "slug": result += slugs[slugSampler.sample(&rng)]
            case "date": result += "2026-\(pad(1 + rng.below(12), 2))-\(pad(1 + rng.below(28), 2))"
            default: result += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    private mutating func idValue() -> Int {
        // Half the calls go to a popular head of ids, the rest spread over millions.
        rng.below(2) == 0 ? 1 + idSampler.sample(&rng) : 10_000 + rng.below(9_000_000)
    }

    private mutating func uuid() -> String {
        let hex = hexToken(32)
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-4" + String(c[13..<16]) + "-a" + String(c[17..<20]) + "-" + String(c[20..<32])
    }

    private mutating func hexToken(_ length: Int) -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        for _ in 0..<length { s.append(digits[rng.below(16)]) }
        return s
    }

    private mutating func queryString(for endpoint: SyntheticEndpoint) -> String {
        switch rng.below(10) {
        // Case 0 takes every method, case 1 only GET (the generated data of every seed depends on it).
        case 0: return "?page=\(1 + rng.below(20))&limit=50"
        case 1 where endpoint.method == "GET": return "?page=\(1 + rng.below(20))&limit=50"
        case 2 where endpoint.method == "GET": return "?api_key=sk_live_\(hexToken(24))&fields=id,name"
        case 3: return "?access_token=\(hexToken(40))"
        case 4 where endpoint.pattern.hasSuffix("search"): return "?q=\(LogGenerator.words[rng.below(20)])&sort=desc"
        default: return ""
        }
    }

    private mutating func statusCode(_ endpoint: SyntheticEndpoint) -> Int {
        let r = rng.below(1000)
        switch r {
        case ..<840: return endpoint.method == "POST" ? 201 : (endpoint.method == "DELETE" ? 204 : 200)
        case ..<860: return 304
        case ..<900: return 404
        case ..<930: return 401
        case ..<950: return 403
        case ..<965: return 429
        case ..<985: return 400
        case ..<995: return 500
        default: return 503
        }
    }

    private func clientAddress(_ index: Int) -> String {
        switch index % 10 {
        case 0, 1, 2: return "10.\(index / 65_536 % 256).\(index / 256 % 256).\(index % 256)"
        case 3: return "2001:db8:\(String(index, radix: 16))::\(index % 97 + 1)"
        case 4: return "172.16.\(index / 256 % 256).\(index % 256)"
        default: return "\(23 + index % 180).\(index * 7 % 256).\(index / 256 % 256).\(index * 13 % 254 + 1)"
        }
    }

    static func clfTime(_ millis: Int64) -> String {
        let iso = ReportBuilder.isoTime(millis)  // 2026-01-01T00:00:00.000Z
        let parts = Array(iso)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let month = Int(String(parts[5...6]))!
        return "\(String(parts[8...9]))/\(months[month - 1])/\(String(parts[0...3])):\(String(parts[11...18])) +0000"
    }

    private func pad(_ v: Int, _ width: Int) -> String { LogGenerator.pad(v, width) }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
