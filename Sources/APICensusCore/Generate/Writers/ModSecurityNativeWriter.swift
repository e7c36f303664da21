/// ModSecurity 2 native serial audit records (`SecAuditLogParts ABFHZ`): request headers with the
/// synthetic credentials, the response status, and in the trailer a rule match for a few calls —
/// one in fifty intercepted (status 403), one in fifty detected only.
struct ModSecurityNativeWriter: SyntheticLogWriter {
    let name = "modsecurity_native"
    let logsHost = true

    func append(_ record: SyntheticRecord, to out: inout [UInt8]) {
        var r = record
        let blocked = r.variant % 50 == 0
        let detected = r.variant % 50 == 1
        if blocked { r.status = 403; r.bytes = 199 }
        let id = String(String(r.variant, radix: 16).suffix(8))
        let boundary = "--" + String(repeating: "0", count: 8 - id.count) + id + "-"
        var text = "\(boundary)A--\n[\(r.clfTime)] \(r.requestId.prefix(24)) \(r.client) \(40_000 + r.clientIndex % 20_000) 10.0.0.2 443\n"
        text += "\(boundary)B--\n\(r.requestLine)\nHost: \(r.host)\nUser-Agent: \(r.userAgent)\n"
        if r.referrer != "-" { text += "Referer: \(r.referrer)\n" }
        if let authorization = r.authorization(.custom) { text += "Authorization: \(authorization)\n" }
        if let key = r.apiKey(.custom) { text += "X-API-Key: \(key)\n" }
        if ["POST", "PUT", "PATCH"].contains(r.method) { text += "Content-Type: application/json\n" }
        text += "\n\(boundary)F--\nHTTP/\(r.httpVersion) \(r.status) \(blocked ? "Forbidden" : "OK")\nContent-Length: \(r.bytes)\n"
        text += "\n\(boundary)H--\n"
        if blocked {
            text += #"Message: Access denied with code 403 (phase 2). detected SQLi using libinjection. [file "/etc/modsecurity/crs/REQUEST-942-APPLICATION-ATTACK-SQLI.conf"] [line "46"] [id "942100"] [msg "SQL Injection Attack Detected via libinjection"]"# + "\nAction: Intercepted (phase 2)\n"
        } else if detected {
            text += #"Message: Warning. Pattern match "^[\d.:]+$" at REQUEST_HEADERS:Host. [file "/etc/modsecurity/crs/REQUEST-920-PROTOCOL-ENFORCEMENT.conf"] [line "736"] [id "920350"] [msg "Host header is a numeric IP address"]"# + "\n"
        }
        text += "Stopwatch: \(r.timeMillis * 1000) \(r.durationMicros) (- - -)\nProducer: ModSecurity for Apache/2.9.7 (http://www.modsecurity.org/).\n"
        text += "\n\(boundary)Z--\n"
        out.append(contentsOf: text.utf8)
    }
}
