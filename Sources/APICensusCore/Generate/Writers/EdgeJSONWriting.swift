/// What the cloud and WAF JSON writers share: JSON string quoting, client ports and time forms
/// (credentials: `SyntheticRecord.authorization`).
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
