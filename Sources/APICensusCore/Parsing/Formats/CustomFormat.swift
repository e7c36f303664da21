/// A user's own access-log format, given as the NGINX `log_format` string or the Apache `LogFormat`
/// string that wrote the log, compiled once into a small program of literal separators and typed field
/// captures (the way GoAccess takes `--log-format`), then run over each line by `CustomFormatParser`.
///
/// ```
/// let format = try CustomFormat.compile(nginx: #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $host $ssl_protocol $request_time"#)
/// let format = try CustomFormat.compile(apache: #"%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D %{Host}i"#)
/// let format = try CustomFormat.compile("nginx:…")   // the `--log-format` spelling
/// ```
///
/// Variables APICensus knows fill the matching `RawCall` field (`$host`, `%{Host}i` → host,
/// `$ssl_client_verify` → client certificate, `$http_authorization` → authorization, …); every other
/// variable is read as an opaque field and skipped (`unknownVariables` lists the ones APICensus has
/// never heard of). When two variables fill the same field (`$host` and `$http_host`), the more
/// precise one is used. The compiled format's `descriptor` (format `custom`) is built from the
/// variables used: its `yields` are exactly the fields the format logs.
///
/// Compilation fails, naming the position, on: a `$` or `%` not followed by a variable, an unknown
/// Apache directive letter, two variables with nothing between them that APICensus cannot split
/// (`$uri$is_args$args`, `%U%q`, `$host$request_uri` can be split), and a format with no request in it
/// (`$request`, `$request_uri` or `$uri`; `%r` or `%U`), since without one there is no API call.
public final class CustomFormat: Sendable {
    public enum Dialect: String, Sendable, CaseIterable {
        case nginx, apache
    }

    public let dialect: Dialect
    /// The format string the program was compiled from (quotes and a surrounding `log_format` /
    /// `LogFormat` directive removed).
    public let formatString: String
    /// The variables of the format in order, as written (`$remote_addr`, `%>s`, `%{Host}i`).
    public let variables: [String]
    /// Variables APICensus does not know; read as opaque fields.
    public let unknownVariables: [String]
    /// The fields a line of this format fills.
    public let yields: Set<CallField>

    let steps: [CustomStep]
    let literalBytes: [UInt8]
    let target: CustomTargetPlan
    let program: CustomProgram

    init(dialect: Dialect, formatString: String, steps: [CustomStep], literalBytes: [UInt8], variables: [String],
         unknownVariables: [String]) throws(CustomFormatError) {
        self.dialect = dialect
        self.formatString = formatString
        self.variables = variables
        self.unknownVariables = unknownVariables
        // One capture per field: the most precise variable of each field fills it; the others are
        // still matched (their extent matters) but fill nothing.
        var best: [CustomSlot: (index: Int, rank: Int)] = [:]
        for (i, step) in steps.enumerated() where !step.isLiteral {
            guard let slot = step.kind.slot else { continue }
            if let current = best[slot], current.rank >= step.rank { continue }
            best[slot] = (i, step.rank)
        }
        var resolved = steps
        for (i, step) in steps.enumerated() where !step.isLiteral {
            if let slot = step.kind.slot, best[slot]?.index != i { resolved[i].fills = false }
        }
        // The request: the whole line, else the raw URI, else the path with its query.
        let filling = Set(resolved.filter { !$0.isLiteral && $0.fills }.map(\.kind))
        let superseded: Set<CustomCapture>
        if filling.contains(.request) {
            target = .requestLine
            superseded = [.method, .httpVersion, .requestURI, .path, .queryArgs, .queryWithMark]
        } else if filling.contains(.requestURI) {
            target = .requestURI
            superseded = [.path, .queryArgs, .queryWithMark]
        } else if filling.contains(.path) {
            target = .pathAndQuery
            superseded = []
        } else {
            let hint = dialect == .nginx ? "$request, $request_uri or $uri" : "%r or %U"
            throw CustomFormatError("the format logs no request (\(hint)): without one there is no API call to count", position: nil)
        }
        for i in resolved.indices where !resolved[i].isLiteral && superseded.contains(resolved[i].kind) {
            resolved[i].fills = false
        }
        self.steps = resolved
        self.literalBytes = literalBytes
        var yields: Set<CallField> = []
        for step in resolved where !step.isLiteral && step.fills { yields.formUnion(step.kind.yields) }
        if target == .requestLine { yields.formUnion([.method, .target, .httpVersion]) }
        self.yields = yields
        program = CustomProgram(steps: resolved, literalBytes: literalBytes)
        try checkSeparators()
    }

    /// `nginx:<log_format string>` or `apache:<LogFormat string>`, as `--log-format` takes it.
    public static func compile(_ specification: String) throws(CustomFormatError) -> CustomFormat {
        guard let colon = specification.firstIndex(of: ":"),
              let dialect = Dialect(rawValue: CustomFormatCompiler.trimmed(specification[..<colon]).lowercased()) else {
            throw CustomFormatError("a custom format starts with nginx: or apache: (for example nginx:'$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent')", position: nil)
        }
        let body = String(specification[specification.index(after: colon)...])
        switch dialect {
        case .nginx: return try compile(nginx: body)
        case .apache: return try compile(apache: body)
        }
    }

    /// Compiles an NGINX `log_format` string. A whole directive is accepted too
    /// (`log_format api escape=json '…' '…';`): its quoted pieces are joined as NGINX joins them.
    public static func compile(nginx: String) throws(CustomFormatError) -> CustomFormat {
        try CustomFormatCompiler.nginx(nginx)
    }

    /// Compiles an Apache `LogFormat` string. A whole `LogFormat "…" nickname` or `CustomLog path "…"`
    /// directive is accepted too; `\"` and `\\` are unescaped as Apache does.
    public static func compile(apache: String) throws(CustomFormatError) -> CustomFormat {
        try CustomFormatCompiler.apache(apache)
    }

    /// The format's descriptor (format `custom`), for detection and the report.
    public var descriptor: FormatDescriptor {
        let format = self
        return FormatDescriptor(
            format: .custom, title: dialect == .nginx ? "Custom NGINX log_format" : "Custom Apache LogFormat",
            defaultRole: .lb, yields: yields, example: exampleLine,
            // A user's own format wins over any catalogued format that reads its lines as well.
            specificity: 1_000, makeParser: { _ in CustomFormatParser(format) })
    }

    /// A line of this format for a sample call (what `apicensus formats` would show).
    public var exampleLine: String { render(CustomFormat.exampleRecord) }

    /// Two adjacent variables must be splittable: the first stops at a byte the second cannot start
    /// with (a path at `?`, a host at `/`), or is `$is_args`.
    private func checkSeparators() throws(CustomFormatError) {
        for i in steps.indices.dropLast() where !steps[i].isLiteral && !steps[i + 1].isLiteral {
            let a = steps[i], b = steps[i + 1]
            if a.kind.stopsAdjacent(before: b.kind) { continue }
            throw CustomFormatError("nothing separates \(a.name) from \(b.name): APICensus cannot tell where one ends and the other starts", position: b.position)
        }
    }
}

/// Two compiled formats are the same when they were compiled from the same string in the same
/// dialect (compilation is deterministic): settings holding one compare by value.
extension CustomFormat: Equatable {
    public static func == (a: CustomFormat, b: CustomFormat) -> Bool {
        a === b || (a.dialect == b.dialect && a.formatString == b.formatString)
    }
}

/// Why a custom format could not be compiled.
public struct CustomFormatError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    /// 1-based character position in the format string, when the error is at one place.
    public var position: Int?

    public init(_ message: String, position: Int?) {
        self.message = message
        self.position = position
    }

    public var description: String { position.map { "\(message) (at character \($0))" } ?? message }
}

/// How the request target is put together.
enum CustomTargetPlan: Sendable {
    /// `$request` / `%r`: `METHOD target PROTOCOL`.
    case requestLine
    /// `$request_uri`: path and query as sent.
    case requestURI
    /// `$uri` + `$args` / `%U` + `%q`.
    case pathAndQuery
}

/// One instruction of the program: a literal to match, or a field to capture.
struct CustomStep: Sendable {
    /// Bytes of the literal in `CustomFormat.literalBytes`; empty for a field.
    var literal: Range<Int>
    var kind: CustomCapture
    /// How precise this variable is for its field (higher wins).
    var rank: Int
    /// The variable as written, for messages.
    var name: String
    /// 1-based position in the format string.
    var position: Int
    /// Between two double quotes in the format: the value ends at an unescaped `"`.
    var quoted = false
    /// Spaces the value itself contains before its end can be searched for (`$time_local` has one).
    var embeddedSpaces = 0
    /// False when a more precise variable fills the same field (or the request comes from a
    /// variable that covers this one): the value is still matched, to find where the next starts.
    var fills = true
    /// For `%{…}t`: the strftime pattern, to render examples.
    var timePattern: String?

    var isLiteral: Bool { !literal.isEmpty }

    static func literal(_ range: Range<Int>) -> CustomStep {
        CustomStep(literal: range, kind: .opaque, rank: 0, name: "", position: 0)
    }
}

/// What a captured value is.
enum CustomCapture: UInt8, Sendable, Hashable {
    case opaque
    /// An opaque list (`$upstream_status`: `200, 502` or `200 : 502`): may contain `, ` and ` : `.
    case opaqueList
    case client, user
    /// `10/Oct/2026:13:55:36 +0000` (NGINX `$time_local`).
    case timeCLF
    /// `[10/Oct/2026:13:55:36 +0000]` (Apache `%t`).
    case timeCLFBracketed
    case timeISO
    /// Seconds (`$msec`, `%{sec}t`), milliseconds or microseconds since the epoch, told by their digits.
    case timeEpoch
    /// Any form `Timestamps.anyMillis` reads (Apache `%{strftime}t`).
    case timeAny
    case request, method, requestURI, path
    /// `?a=b` or empty (Apache `%q`).
    case queryWithMark
    /// `a=b` without `?` (NGINX `$args`).
    case queryArgs
    /// `?` or empty (NGINX `$is_args`).
    case isArgs
    case httpVersion, status, bytes, referrer, userAgent, host
    case durationSeconds, durationMillis, durationMicros, durationWholeSeconds
    case scheme, tlsProtocol, tlsCipher
    /// `SUCCESS`, `FAILED:reason`, `NONE`, `GENEROUS`.
    case clientVerify
    /// A client-certificate attribute (subject DN, fingerprint): present means a certificate was sent.
    case clientSubject
    case upstream, forwardedFor, authorization, cookie, apiKey, contentType, requestId
    /// The Authorization header's scheme word only (`Bearer`, `Basic`): what the recommended
    /// configuration logs instead of the credential (`$auth_scheme`, a `map` of `$http_authorization`).
    case authScheme

    /// Values that are lists joined by `, ` (or ` : ` for NGINX upstream lists).
    var isList: Bool { self == .opaqueList || self == .upstream || self == .forwardedFor }

    /// The `RawCall` field this capture fills, for picking one variable per field.
    var slot: CustomSlot? {
        switch self {
        case .opaque, .opaqueList, .isArgs: nil
        case .client: .client
        case .user: .user
        case .timeCLF, .timeCLFBracketed, .timeISO, .timeEpoch, .timeAny: .time
        case .request: .request
        case .method: .method
        case .requestURI: .requestURI
        case .path: .path
        case .queryWithMark, .queryArgs: .query
        case .httpVersion: .httpVersion
        case .status: .status
        case .bytes: .bytes
        case .referrer: .referrer
        case .userAgent: .userAgent
        case .host: .host
        case .durationSeconds, .durationMillis, .durationMicros, .durationWholeSeconds: .duration
        case .scheme: .scheme
        case .tlsProtocol: .tlsProtocol
        case .tlsCipher: .tlsCipher
        case .clientVerify: .clientVerify
        case .clientSubject: .clientSubject
        case .upstream: .upstream
        case .forwardedFor: .forwardedFor
        case .authorization, .authScheme: .authorization
        case .cookie: .cookie
        case .apiKey: .apiKey
        case .contentType: .contentType
        case .requestId: .requestId
        }
    }

    var yields: Set<CallField> {
        switch self {
        case .opaque, .opaqueList, .isArgs, .request, .queryWithMark, .queryArgs: []
        case .client: [.client]
        case .user: [.user]
        case .timeCLF, .timeCLFBracketed, .timeISO, .timeEpoch, .timeAny: [.timestamp]
        case .method: [.method]
        case .requestURI, .path: [.target]
        case .httpVersion: [.httpVersion]
        case .status: [.status]
        case .bytes: [.responseBytes]
        case .referrer: [.referrer]
        case .userAgent: [.userAgent]
        case .host: [.host]
        case .durationSeconds, .durationMillis, .durationMicros, .durationWholeSeconds: [.duration]
        case .scheme: [.scheme]
        case .tlsProtocol: [.tlsProtocol]
        case .tlsCipher: [.tlsCipher]
        case .clientVerify, .clientSubject: [.clientCertificate]
        case .upstream: [.upstream]
        case .forwardedFor: [.forwardedFor]
        case .authorization, .authScheme: [.authorization]
        case .cookie: [.cookie]
        case .apiKey: [.apiKey]
        case .contentType: [.contentType]
        case .requestId: [.requestId]
        }
    }

    /// The bytes at which this value ends when another variable follows it directly.
    var adjacentStops: (UInt8, UInt8)? {
        switch self {
        case .path: (UInt8(ascii: "?"), UInt8(ascii: " "))
        case .host: (UInt8(ascii: "/"), UInt8(ascii: " "))
        case .scheme: (UInt8(ascii: ":"), UInt8(ascii: " "))
        default: nil
        }
    }

    func stopsAdjacent(before next: CustomCapture) -> Bool {
        switch self {
        case .isArgs: return true
        case .path: return next == .queryWithMark || next == .isArgs || next == .queryArgs || next == .opaque
        case .host: return next == .requestURI || next == .path || next == .request || next == .opaque
        default: return false
        }
    }
}

/// The fields one variable per format fills.
enum CustomSlot: Hashable {
    case client, user, time, request, method, requestURI, path, query, httpVersion, status, bytes, referrer
    case userAgent, host, duration, scheme, tlsProtocol, tlsCipher, clientVerify, clientSubject, upstream
    case forwardedFor, authorization, cookie, apiKey, contentType, requestId
}
