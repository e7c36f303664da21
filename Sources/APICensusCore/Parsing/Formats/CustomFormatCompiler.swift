/// Turns NGINX `log_format` and Apache `LogFormat` strings into `CustomFormat` programs: the format
/// text is split into literals and variables, and each variable is looked up in the tables below
/// (what it is, which field it fills, how precise it is for that field).
enum CustomFormatCompiler {
    // MARK: NGINX

    static func nginx(_ text: String) throws(CustomFormatError) -> CustomFormat {
        let format = try nginxFormatString(text)
        let b = Array(format.utf8)
        guard !b.isEmpty else { throw CustomFormatError("the format is empty", position: nil) }
        var builder = ProgramBuilder()
        var i = 0
        while i < b.count {
            guard b[i] == UInt8(ascii: "$") else {
                builder.literal(b[i])
                i += 1
                continue
            }
            let start = i
            var name: [UInt8] = []
            if i + 1 < b.count, b[i + 1] == UInt8(ascii: "{") {
                var j = i + 2
                while j < b.count, b[j] != UInt8(ascii: "}") { j += 1 }
                guard j < b.count else { throw CustomFormatError("'${' is not closed by '}'", position: start + 1) }
                name = Array(b[(i + 2)..<j])
                i = j + 1
            } else {
                var j = i + 1
                while j < b.count, isNameByte(b[j]) { j += 1 }
                name = Array(b[(i + 1)..<j])
                i = j
            }
            guard !name.isEmpty, name.allSatisfy(isNameByte) else {
                throw CustomFormatError("'$' is not followed by a variable name", position: start + 1)
            }
            let variable = String(decoding: name, as: UTF8.self)
            let written = "$" + variable
            if let known = nginxVariable(variable.lowercased()) {
                builder.field(known.kind, rank: known.rank, name: written, position: start + 1)
            } else {
                builder.field(.opaque, rank: 0, name: written, position: start + 1, unknown: !isKnownNGINXFamily(variable.lowercased()))
            }
        }
        return try builder.build(dialect: .nginx, formatString: format)
    }

    /// The format string of an NGINX `log_format` directive, or of a quoted string, or the text as it is.
    static func nginxFormatString(_ text: String) throws(CustomFormatError) -> String {
        let t = trimmed(text)
        var words = t.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).makeIterator()
        if words.next() == "log_format" {
            // log_format NAME [escape=…] 'piece' 'piece' …;
            var pieces = try quotedPieces(t, allowBare: true)
            guard pieces.count >= 2, pieces[0] == "log_format" else {
                throw CustomFormatError("a log_format directive needs a name and a format", position: nil)
            }
            pieces.removeFirst(2)
            if let first = pieces.first, first.hasPrefix("escape=") { pieces.removeFirst() }
            guard !pieces.isEmpty else { throw CustomFormatError("the log_format directive has no format string", position: nil) }
            return pieces.joined()
        }
        if let first = t.first, first == "'" || first == "\"", let pieces = try? quotedPieces(t, allowBare: false) {
            return pieces.joined()
        }
        return t
    }

    /// Splits `'a' "b" word;` into its pieces, unescaping quoted ones as NGINX does.
    private static func quotedPieces(_ t: String, allowBare: Bool) throws(CustomFormatError) -> [String] {
        let b = Array(t.utf8)
        var pieces: [String] = []
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") { i += 1; continue }
            if c == UInt8(ascii: ";") {
                i += 1
                continue
            }
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                var piece: [UInt8] = []
                var j = i + 1
                while j < b.count, b[j] != c {
                    if b[j] == UInt8(ascii: "\\"), j + 1 < b.count {
                        let e = b[j + 1]
                        switch e {
                        case UInt8(ascii: "n"): piece.append(0x0A)
                        case UInt8(ascii: "t"): piece.append(0x09)
                        case UInt8(ascii: "r"): piece.append(0x0D)
                        case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "\\"): piece.append(e)
                        default: piece.append(contentsOf: [b[j], e])
                        }
                        j += 2
                        continue
                    }
                    piece.append(b[j])
                    j += 1
                }
                guard j < b.count else { throw CustomFormatError("a quoted string is not closed", position: i + 1) }
                pieces.append(String(decoding: piece, as: UTF8.self))
                i = j + 1
                continue
            }
            guard allowBare else { throw CustomFormatError("text outside quotes", position: i + 1) }
            var j = i
            while j < b.count, b[j] != UInt8(ascii: " "), b[j] != UInt8(ascii: "\t"), b[j] != UInt8(ascii: "\n"), b[j] != UInt8(ascii: ";") { j += 1 }
            pieces.append(String(decoding: b[i..<j], as: UTF8.self))
            i = j
        }
        return pieces
    }

    private static func isNameByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_")
    }

    /// NGINX variables that fill a field: (capture, rank among the variables of that field).
    static func nginxVariable(_ name: String) -> (kind: CustomCapture, rank: Int)? {
        switch name {
        case "remote_addr": (.client, 3)
        case "remote_user": (.user, 3)
        case "time_local": (.timeCLF, 3)
        case "time_iso8601": (.timeISO, 3)
        case "msec": (.timeEpoch, 2)
        case "request": (.request, 3)
        case "request_method": (.method, 3)
        case "request_uri": (.requestURI, 3)
        case "uri": (.path, 3)
        case "document_uri": (.path, 2)
        case "args", "query_string": (.queryArgs, 3)
        case "is_args": (.isArgs, 0)
        case "server_protocol": (.httpVersion, 3)
        case "status": (.status, 3)
        case "body_bytes_sent": (.bytes, 3)
        case "bytes_sent": (.bytes, 2)
        case "http_referer": (.referrer, 3)
        case "http_user_agent": (.userAgent, 3)
        case "host": (.host, 4)
        case "http_host": (.host, 3)
        case "server_name": (.host, 2)
        case "ssl_server_name": (.host, 1)
        case "request_time": (.durationSeconds, 3)
        case "scheme": (.scheme, 3)
        case "ssl_protocol": (.tlsProtocol, 3)
        case "ssl_cipher": (.tlsCipher, 3)
        case "ssl_client_verify": (.clientVerify, 3)
        case "ssl_client_s_dn": (.clientSubject, 3)
        case "ssl_client_fingerprint": (.clientSubject, 2)
        case "ssl_client_serial": (.clientSubject, 1)
        case "upstream_addr": (.upstream, 3)
        case "http_x_forwarded_for": (.forwardedFor, 3)
        case "proxy_add_x_forwarded_for": (.forwardedFor, 2)
        case "http_authorization": (.authorization, 3)
        case "auth_scheme", "authorization_scheme", "http_authorization_scheme": (.authScheme, 1)
        case "http_cookie": (.cookie, 3)
        case "http_x_api_key": (.apiKey, 3)
        case "http_apikey", "http_api_key": (.apiKey, 2)
        case "http_x_apikey": (.apiKey, 1)
        case "content_type": (.contentType, 3)
        case "http_content_type": (.contentType, 2)
        case "request_id": (.requestId, 3)
        case "http_x_request_id": (.requestId, 2)
        case "http_x_correlation_id": (.requestId, 1)
        case "upstream_status", "upstream_response_time", "upstream_connect_time", "upstream_header_time",
             "upstream_bytes_received", "upstream_bytes_sent", "upstream_response_length", "upstream_cache_status":
            (.opaqueList, 0)
        default: nil
        }
    }

    /// NGINX variables (and families) APICensus knows but does not use: read as opaque fields
    /// without a warning.
    static func isKnownNGINXFamily(_ name: String) -> Bool {
        let known: Set<String> = [
            "realip_remote_addr", "binary_remote_addr", "remote_port", "realip_remote_port", "server_addr", "server_port",
            "connection", "connection_requests", "connection_time", "pipe", "gzip_ratio", "request_length", "hostname",
            "nginx_version", "pid", "proxy_host", "proxy_port", "proxy_protocol_addr", "proxy_protocol_port",
            "ssl_session_reused", "ssl_session_id", "ssl_curves", "ssl_curve", "ssl_ciphers", "ssl_early_data",
            "ssl_client_i_dn", "ssl_client_v_start", "ssl_client_v_end", "ssl_client_v_remain", "ssl_client_raw_cert",
            "ssl_client_cert", "ssl_client_escaped_cert", "ssl_alpn_protocol", "http2", "http3", "https",
            "request_completion", "request_body", "request_filename", "document_root", "realpath_root", "limit_rate",
            "limit_req_status", "limit_conn_status", "tcpinfo_rtt", "tcpinfo_rttvar", "tcpinfo_snd_cwnd",
            "tcpinfo_rcv_space", "time_iso8601", "sent_http_content_type", "upstream_cookie", "upstream_trailer",
            "host", "server_protocol", "msec",
        ]
        if known.contains(name) { return true }
        for family in ["http_", "sent_http_", "sent_trailer_", "upstream_http_", "upstream_cookie_", "upstream_trailer_",
                       "cookie_", "arg_", "jwt_", "geoip_", "geoip2_", "ssl_"] where name.hasPrefix(family) {
            return true
        }
        return false
    }

    // MARK: Apache

    static func apache(_ text: String) throws(CustomFormatError) -> CustomFormat {
        let format = apacheFormatString(text)
        let b = Array(format.utf8)
        guard !b.isEmpty else { throw CustomFormatError("the format is empty", position: nil) }
        var builder = ProgramBuilder()
        var i = 0
        while i < b.count {
            guard b[i] == UInt8(ascii: "%") else {
                builder.literal(b[i])
                i += 1
                continue
            }
            let start = i
            i += 1
            guard i < b.count else { throw CustomFormatError("'%' at the end of the format", position: start + 1) }
            if b[i] == UInt8(ascii: "%") {
                builder.literal(UInt8(ascii: "%"))
                i += 1
                continue
            }
            // %[!][status,…][<|>][{param}][<|>]letter
            if b[i] == UInt8(ascii: "!") { i += 1 }
            while i < b.count, (b[i] >= UInt8(ascii: "0") && b[i] <= UInt8(ascii: "9")) || b[i] == UInt8(ascii: ",") { i += 1 }
            while i < b.count, b[i] == UInt8(ascii: "<") || b[i] == UInt8(ascii: ">") { i += 1 }
            var parameter: String?
            if i < b.count, b[i] == UInt8(ascii: "{") {
                var j = i + 1
                while j < b.count, b[j] != UInt8(ascii: "}") { j += 1 }
                guard j < b.count else { throw CustomFormatError("'%{' is not closed by '}'", position: start + 1) }
                parameter = String(decoding: b[(i + 1)..<j], as: UTF8.self)
                i = j + 1
            }
            while i < b.count, b[i] == UInt8(ascii: "<") || b[i] == UInt8(ascii: ">") { i += 1 }
            guard i < b.count else { throw CustomFormatError("'%' is not followed by a directive", position: start + 1) }
            var letter = String(UnicodeScalar(b[i]))
            i += 1
            if letter == "^" {
                guard i + 1 < b.count else { throw CustomFormatError("'%^' needs two letters", position: start + 1) }
                letter += String(decoding: b[i..<(i + 2)], as: UTF8.self)
                i += 2
            }
            let written = String(decoding: b[start..<i], as: UTF8.self)
            guard let known = apacheDirective(letter, parameter: parameter) else {
                throw CustomFormatError("unknown Apache LogFormat directive \(written)", position: start + 1)
            }
            builder.field(known.kind, rank: known.rank, name: written, position: start + 1, unknown: known.unknown,
                          timePattern: letter == "t" ? parameter : nil)
        }
        return try builder.build(dialect: .apache, formatString: format)
    }

    /// The format string of a `LogFormat` / `CustomLog` directive or of a quoted string, or the text
    /// itself; `\"`, `\\`, `\n` and `\t` unescaped.
    static func apacheFormatString(_ text: String) -> String {
        var t = trimmed(text)
        let lower = t.lowercased()
        if lower.hasPrefix("logformat ") || lower.hasPrefix("customlog ") || lower.hasPrefix("logformat\t") || lower.hasPrefix("customlog\t") {
            // The first double-quoted argument is the format (CustomLog's first argument is a path).
            let b = Array(t.utf8)
            if let open = b.firstIndex(of: UInt8(ascii: "\"")) {
                var j = open + 1
                while j < b.count, b[j] != UInt8(ascii: "\"") { j += b[j] == UInt8(ascii: "\\") ? 2 : 1 }
                t = String(decoding: b[(open + 1)..<min(j, b.count)], as: UTF8.self)
            }
        } else if t.count >= 2, t.first == "\"", t.last == "\"", !t.dropFirst().dropLast().contains(where: { $0 == "\"" }) {
            t = String(t.dropFirst().dropLast())
        }
        var out: [UInt8] = []
        let b = Array(t.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "\\"), i + 1 < b.count {
                switch b[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(b[i + 1]); i += 2; continue
                case UInt8(ascii: "n"): out.append(0x0A); i += 2; continue
                case UInt8(ascii: "t"): out.append(0x09); i += 2; continue
                default: break
                }
            }
            out.append(b[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Apache directives: (capture, rank, whether APICensus does not know this header/variable).
    /// Nil for a letter Apache does not define.
    static func apacheDirective(_ letter: String, parameter: String?) -> (kind: CustomCapture, rank: Int, unknown: Bool)? {
        let p = parameter?.lowercased()
        switch letter {
        case "a": return p == nil ? (.client, 3, false) : (.opaque, 0, false)  // %{c}a is the peer
        case "h": return (.client, 2, false)
        case "A", "f", "k", "l", "p", "P", "R", "X", "I", "S", "n", "o", "C", "^ti", "^to", "^FB", "^FU":
            return (.opaque, 0, false)
        case "B", "b": return (.bytes, 3, false)
        case "O": return (.bytes, 1, false)
        case "D": return (.durationMicros, 3, false)
        case "T":
            switch p {
            case "ms": return (.durationMillis, 2, false)
            case "us": return (.durationMicros, 2, false)
            default: return (.durationWholeSeconds, 1, false)
            }
        case "e":
            switch p {
            case "unique_id": return (.requestId, 2, false)
            case "auth_scheme", "authorization_scheme": return (.authScheme, 1, false)
            case "request_scheme": return (.scheme, 2, false)
            case "ssl_protocol": return (.tlsProtocol, 2, false)
            case "ssl_cipher": return (.tlsCipher, 2, false)
            default: return (.opaque, 0, p == nil)
            }
        case "H": return (.httpVersion, 3, false)
        case "i":
            guard let p else { return nil }
            switch p {
            case "host": return (.host, 3, false)
            case "referer", "referrer": return (.referrer, 3, false)
            case "user-agent": return (.userAgent, 3, false)
            case "x-forwarded-for": return (.forwardedFor, 3, false)
            case "authorization": return (.authorization, 3, false)
            case "cookie": return (.cookie, 3, false)
            case "x-api-key": return (.apiKey, 3, false)
            case "apikey", "api-key": return (.apiKey, 2, false)
            case "content-type": return (.contentType, 2, false)
            case "x-request-id": return (.requestId, 3, false)
            case "x-correlation-id": return (.requestId, 1, false)
            default: return (.opaque, 0, false)
            }
        case "L": return (.requestId, 1, false)
        case "m": return (.method, 3, false)
        case "q": return (.queryWithMark, 3, false)
        case "r": return (.request, 3, false)
        case "s": return (.status, 3, false)
        case "t":
            switch p.map({ $0.hasPrefix("begin:") ? String($0.dropFirst(6)) : ($0.hasPrefix("end:") ? String($0.dropFirst(4)) : $0) }) {
            case nil: return (.timeCLFBracketed, 3, false)
            case "sec", "msec", "usec": return (.timeEpoch, 2, false)
            case "msec_frac", "usec_frac": return (.opaque, 0, false)
            default: return (.timeAny, 2, false)
            }
        case "u": return (.user, 3, false)
        case "U": return (.path, 3, false)
        case "v": return (.host, 2, false)
        case "V": return (.host, 1, false)
        case "x":
            switch p {
            case "ssl_protocol": return (.tlsProtocol, 3, false)
            case "ssl_cipher": return (.tlsCipher, 3, false)
            case "ssl_client_verify": return (.clientVerify, 3, false)
            case "ssl_client_s_dn": return (.clientSubject, 3, false)
            case "ssl_client_m_serial": return (.clientSubject, 1, false)
            case "request_scheme": return (.scheme, 3, false)
            default: return (.opaque, 0, p == nil || !(p!.hasPrefix("ssl_") || p == "https"))
            }
        default: return nil
        }
    }

    static func trimmed<S: StringProtocol>(_ s: S) -> String {
        var t = Substring(s)
        while let f = t.first, f == " " || f == "\t" || f == "\n" || f == "\r" { t.removeFirst() }
        while let l = t.last, l == " " || l == "\t" || l == "\n" || l == "\r" { t.removeLast() }
        return String(t)
    }
}

/// Collects literals and fields into a program.
private struct ProgramBuilder {
    var steps: [CustomStep] = []
    var literalBytes: [UInt8] = []
    var variables: [String] = []
    var unknown: [String] = []

    mutating func literal(_ byte: UInt8) {
        if let last = steps.last, last.isLiteral, last.literal.upperBound == literalBytes.count {
            steps[steps.count - 1].literal = last.literal.lowerBound..<(literalBytes.count + 1)
        } else {
            steps.append(.literal(literalBytes.count..<(literalBytes.count + 1)))
        }
        literalBytes.append(byte)
    }

    mutating func field(_ kind: CustomCapture, rank: Int, name: String, position: Int, unknown isUnknown: Bool = false,
                        timePattern: String? = nil) {
        var step = CustomStep(literal: 0..<0, kind: kind, rank: rank, name: name, position: position)
        step.timePattern = timePattern
        steps.append(step)
        variables.append(name)
        if isUnknown, !unknown.contains(name) { unknown.append(name) }
    }

    mutating func build(dialect: CustomFormat.Dialect, formatString: String) throws(CustomFormatError) -> CustomFormat {
        // A field between two double quotes ends at the closing quote; fields whose values hold
        // spaces skip those before looking for the next literal.
        for i in steps.indices where !steps[i].isLiteral {
            let before = i > 0 && steps[i - 1].isLiteral && literalBytes[steps[i - 1].literal.upperBound - 1] == UInt8(ascii: "\"")
            let after = i + 1 < steps.count && steps[i + 1].isLiteral && literalBytes[steps[i + 1].literal.lowerBound] == UInt8(ascii: "\"")
            steps[i].quoted = before && after
            if !steps[i].quoted {
                switch steps[i].kind {
                case .timeCLF: steps[i].embeddedSpaces = 1
                case .request: steps[i].embeddedSpaces = 2
                case .timeAny: steps[i].embeddedSpaces = (steps[i].timePattern ?? "").filter { $0 == " " }.count
                default: break
                }
            }
        }
        return try CustomFormat(dialect: dialect, formatString: formatString, steps: steps, literalBytes: literalBytes,
                                variables: variables, unknownVariables: unknown)
    }
}
