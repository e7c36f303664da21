/// Pieces the gateway/edge JSON writers (Kong, Envoy JSON, Caddy, Traefik JSON, Cloudflare, Fastly)
/// share: JSON string escaping, derived names, time forms (their credentials are
/// `SyntheticRecord.authorization(.gateway)`). Everything is derived from the record, so the same
/// seed gives the same bytes.
enum GatewayWriterSupport {
    /// A gateway consumer name for clients that authenticate, nil for anonymous ones.
    static func consumer(_ r: SyntheticRecord) -> String? {
        r.credential == .none ? nil : "consumer-\(r.clientIndex)"
    }

    /// The service a host's calls are routed to (`api.shop.example` → `api-shop`).
    static func service(_ r: SyntheticRecord) -> String {
        let labels = r.host.split(separator: ".")
        return labels.count >= 2 ? "\(labels[0])-\(labels[1])" : String(r.host)
    }

    /// The first path segment, as a route name (`/v1/users/42` → `api-shop-v1`).
    static func route(_ r: SyntheticRecord) -> String {
        let first = r.path.split(separator: "/").first.map(String.init) ?? "root"
        return "\(service(r))-\(first)"
    }

    /// An upstream address stable per service.
    static func upstream(_ r: SyntheticRecord) -> String {
        var h: UInt32 = 2_166_136_261
        for b in r.host.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        return "10.\(h % 200 + 20).\(h / 200 % 256).\(h / 51_200 % 250 + 2)"
    }

    /// A client port derived from the record.
    static func clientPort(_ r: SyntheticRecord) -> Int { 32_768 + Int(r.variant % 28_000) }

    /// `ip:port`, IPv6 in brackets.
    static func addressWithPort(_ ip: String, _ port: Int) -> String {
        ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    /// `"text"` as a JSON string literal.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// `2026-01-01T00:00:00.123456789Z`: nanosecond precision, as Go loggers write it.
    static func nanoTime(_ r: SyntheticRecord) -> String {
        let iso = r.isoTime  // 2026-01-01T00:00:00.000Z
        return String(iso.dropLast()) + LogGenerator.pad(Int(r.variant % 1_000_000), 6) + "Z"
    }

    /// `2026-01-01T00:00:00Z`.
    static func secondsTime(_ r: SyntheticRecord) -> String {
        String(r.isoTime.prefix(19)) + "Z"
    }

    /// Epoch seconds with microseconds: `1767225600.123456`.
    static func epochSeconds(_ millis: Int64, micros: Int) -> String {
        "\(millis / 1000).\(LogGenerator.pad(Int(millis % 1000) * 1000 + micros % 1000, 6))"
    }

    /// `0.004117`: microseconds as seconds.
    static func seconds(micros: Int) -> String {
        "\(micros / 1_000_000).\(LogGenerator.pad(micros % 1_000_000, 6))"
    }
}
