/// What the cloud and WAF JSON writers share: JSON string quoting, the synthetic credentials a
/// record's client carries (never real ones), and time forms.
enum EdgeJSONWriting {
    /// `s` as a JSON string literal, quotes included.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if c.value < 0x20 { out += "\\u00" + (c.value < 0x10 ? "0" : "") + String(c.value, radix: 16) } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }

    /// The query string without its `?`.
    static func args(_ r: SyntheticRecord) -> String { r.query.hasPrefix("?") ? String(r.query.dropFirst()) : r.query }

    /// A client port derived from the record.
    static func clientPort(_ r: SyntheticRecord) -> Int { 1024 + Int(r.variant >> 40 & 0xFFFF) % 64_000 }

    /// The `Authorization` header value the record's client sends, when it sends one: a synthetic
    /// JWT (its header decodes to `{"alg":"RS256","typ":"JWT"}`), an opaque bearer token or Basic
    /// credentials, all made up from the record.
    static func authorization(_ r: SyntheticRecord) -> String? {
        switch r.credential {
        case .bearerJWT:
            let payload = base64URL(Array("{\"sub\":\"client-\(r.clientIndex)\",\"iss\":\"https://id.shop.example\",\"exp\":1893456000}".utf8))
            return "Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.\(payload).\(base64URL(bytes(r.variant, 32)))"
        case .bearerOpaque: return "Bearer " + hex(r.variant, 40)
        case .basic: return "Basic " + base64URL(Array("client\(r.clientIndex):\(hex(r.variant, 12))".utf8), padded: true)
        case .apiKey, .none: return nil
        }
    }

    /// The `X-API-Key` header value of an API-key client.
    static func apiKey(_ r: SyntheticRecord) -> String? {
        r.credential == .apiKey ? "k_" + hex(UInt64(r.clientIndex) &* 0x9E37_79B9_7F4A_7C15, 32) : nil
    }

    /// `count` bytes drawn from `seed` (SplitMix64 steps).
    static func bytes(_ seed: UInt64, _ count: Int) -> [UInt8] {
        var state = seed
        var out: [UInt8] = []
        while out.count < count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            for k in 0..<8 where out.count < count { out.append(UInt8(truncatingIfNeeded: z >> (8 * UInt64(k)))) }
        }
        return out
    }

    static func hex(_ seed: UInt64, _ length: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes(seed, (length + 1) / 2).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }.prefix(length))
    }

    static func base64URL(_ data: [UInt8], padded: Bool = false) -> String {
        let alphabet = Array(padded ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                                    : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var out = ""
        var i = 0
        while i < data.count {
            let b0 = UInt32(data[i]), b1 = i + 1 < data.count ? UInt32(data[i + 1]) : 0, b2 = i + 2 < data.count ? UInt32(data[i + 2]) : 0
            let n = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            if i + 1 < data.count { out.append(alphabet[Int(n >> 6 & 63)]) } else if padded { out += "=" }
            if i + 2 < data.count { out.append(alphabet[Int(n & 63)]) } else if padded { out += "=" }
            i += 3
        }
        return out
    }

    /// `Tue May 10 04:52:04 2022` (C `asctime`).
    static func asctime(_ millis: Int64) -> String {
        let iso = Array(ReportBuilder.isoTime(millis))  // yyyy-mm-ddTHH:MM:SS.mmmZ
        let days = Int(millis / 86_400_000)
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let month = months[Int(String(iso[5...6]))! - 1]
        let day = iso[8] == "0" ? " " + String(iso[9]) : String(iso[8...9])
        return "\(weekday) \(month) \(day) \(String(iso[11...18])) \(String(iso[0...3]))"
    }

    /// The record's time as ISO 8601 with microseconds (`…T13:55:36.123456Z`).
    static func isoMicros(_ r: SyntheticRecord) -> String {
        let iso = r.isoTime  // …SS.mmmZ
        return String(iso.dropLast()) + LogGenerator.pad(Int(r.variant % 1000), 3) + "Z"
    }
}
