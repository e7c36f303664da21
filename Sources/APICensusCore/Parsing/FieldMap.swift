/// Which JSON key paths hold which `RawCall` field, for JSON-lines logs. Every logical field has a
/// list of candidate key paths tried in order: the first one present in a line with a non-null
/// value wins. Key paths are dotted (`request.method`) and match nested objects or flattened keys.
public struct FieldMap: Sendable, Equatable {
    /// The logical fields a JSON log line can provide.
    public enum Field: String, CaseIterable, Sendable, Comparable {
        /// Timestamp: CLF (`$time_local`), ISO 8601, or epoch seconds/ms (`$msec`).
        case time
        /// Client address (`$remote_addr`). Not `X-Forwarded-For`.
        case client
        /// Authenticated user (`$remote_user`).
        case user
        /// Request method (`$request_method`).
        case method
        /// Path without the query (`$uri`). Used with `query` when there is no `target`/`request`.
        case path
        /// Query string without `?` (`$args`).
        case query
        /// Path with the query (`$request_uri`).
        case target
        /// Full request line `GET /x?y HTTP/1.1` (`$request`).
        case request
        /// Protocol token `HTTP/1.1` (`$server_protocol`).
        case `protocol`
        /// HTTP status, a number or a numeric string.
        case status
        /// Response body bytes.
        case bytes
        /// Request duration in seconds, decimal (`$request_time`).
        case duration
        /// Request duration in milliseconds.
        case durationMillis
        /// Request duration in microseconds.
        case durationMicros
        /// Virtual host / Host header / server name.
        case host
        case referrer
        case userAgent

        public static func < (a: Field, b: Field) -> Bool { a.rawValue < b.rawValue }

        /// Looks a field up by its name as written in `--field-map`: case-insensitive, `_`/`-`
        /// ignored (`user_agent`, `userAgent`), plus a few aliases (`duration_ms`, `ua`, `bytes_sent`…).
        public init?(name: String) {
            let folded = String(name.lowercased().filter { $0 != "_" && $0 != "-" })
            if let field = Field.allCases.first(where: { $0.rawValue.lowercased() == folded }) {
                self = field
                return
            }
            switch folded {
            case "timestamp", "ts": self = .time
            case "ip", "remoteaddr", "clientip": self = .client
            case "remoteuser", "username": self = .user
            case "args", "querystring": self = .query
            case "proto", "version", "httpversion": self = .protocol
            case "statuscode": self = .status
            case "size", "bytessent", "responsebytes": self = .bytes
            case "durations", "requesttime": self = .duration
            case "durationms": self = .durationMillis
            case "durationus": self = .durationMicros
            case "vhost", "servername": self = .host
            case "referer": self = .referrer
            case "ua", "agent": self = .userAgent
            default: return nil
            }
        }
    }

    /// The candidate key paths of every field; a field not in the dictionary is never read.
    public private(set) var candidates: [Field: [String]]

    public init(_ candidates: [Field: [String]]) {
        self.candidates = candidates.filter { !$0.value.isEmpty }
    }

    /// Candidate key paths of one field, in the order they are tried (empty when not mapped).
    public subscript(field: Field) -> [String] {
        get { candidates[field] ?? [] }
        set { candidates[field] = newValue.isEmpty ? nil : newValue }
    }

    /// NGINX JSON `log_format` names (the variable names without `$`) and their usual alternatives.
    /// Deliberately absent: `http_x_forwarded_for` (not the client), `upstream_response_time`
    /// (not the request duration).
    public static let `default` = FieldMap([
        .time: ["time_local", "time_iso8601", "@timestamp", "timestamp", "time", "msec", "ts", "date"],
        .client: ["remote_addr", "client_ip", "clientip", "client", "remote_ip", "ip"],
        .user: ["remote_user"],
        .method: ["request_method", "method"],
        .path: ["uri", "path", "request_path"],
        .query: ["args", "query_string", "query"],
        .target: ["request_uri"],
        .request: ["request"],
        .protocol: ["server_protocol", "protocol"],
        .status: ["status", "response_status", "status_code"],
        .bytes: ["body_bytes_sent", "bytes_sent", "response_bytes", "bytes", "length"],
        .duration: ["request_time"],
        .durationMillis: ["duration_ms", "request_time_ms"],
        .durationMicros: ["duration_us", "request_time_us"],
        .host: ["host", "http_host", "server_name"],
        .referrer: ["http_referer", "http_referrer", "referer", "referrer"],
        .userAgent: ["http_user_agent", "user_agent", "agent"],
    ])

    /// The `--field-map` syntax: `field=key.path,field=key2|alt.key`. Comma-separated entries, `|`
    /// between alternatives tried in order, whitespace around names ignored. An entry with nothing
    /// after `=` (`user=`) turns the field off.
    ///
    /// Starts from `base` (the defaults unless told otherwise): the named fields are replaced, every
    /// other field keeps its candidates from `base`. Use `base: FieldMap([:])` for a map with only
    /// the named fields.
    ///
    /// - Throws: `FieldMapError` for an unknown field name (the message lists the valid names), an
    ///   entry without `=`, or an empty segment in a key path (`a..b`).
    public init(parsing spec: String, base: FieldMap = .default) throws {
        self = base
        for rawEntry in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = rawEntry.trimmingSpaces
            if entry.isEmpty { continue }
            guard let eq = entry.firstIndex(of: "=") else {
                throw FieldMapError("field map entry '\(entry)' has no '=': expected field=key.path")
            }
            let name = entry[..<eq].trimmingSpaces
            guard let field = Field(name: String(name)) else {
                throw FieldMapError(
                    "unknown field '\(name)' in field map; valid fields: "
                        + Field.allCases.map(\.rawValue).joined(separator: ", "))
            }
            var paths: [String] = []
            for alternative in entry[entry.index(after: eq)...].split(separator: "|") {
                let path = alternative.trimmingSpaces
                if path.isEmpty { continue }
                if path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
                    throw FieldMapError("key path '\(path)' for field '\(field.rawValue)' has an empty segment")
                }
                paths.append(String(path))
            }
            self[field] = paths
        }
    }

    /// This map with the fields that `overrides` maps replaced by its candidates.
    public func overriding(with overrides: FieldMap) -> FieldMap {
        var result = self
        for (field, paths) in overrides.candidates { result[field] = paths }
        return result
    }

    /// The `--field-map` spelling of this map (fields sorted by name).
    public var spec: String {
        candidates.keys.sorted().map { "\($0.rawValue)=\(candidates[$0]!.joined(separator: "|"))" }
            .joined(separator: ",")
    }
}

/// A `--field-map` value that cannot be read.
public struct FieldMapError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
