/// The pieces of a ModSecurity rule message that both the native audit log (part H's `Message:`
/// lines) and the web server's error log (`ModSecurity: …` lines) carry:
/// `Access denied with code 403 (phase 2). Matched … [file "…"] [line "80"] [id "949110"] [msg "…"]`.
enum ModSecurityRuleMessages {
    /// The range of the first rule id (`[id "942100"]`) at or after `from`.
    static func ruleId(_ line: Bytes, from: Int = 0) -> Range<Int>? {
        guard let p = line.baseAddress, line.count >= 8 else { return nil }
        var i = max(from, 0)
        while i + 6 <= line.count {
            if p[i] == UInt8(ascii: "["), p[i + 1] == UInt8(ascii: "i"), p[i + 2] == UInt8(ascii: "d"),
               p[i + 3] == UInt8(ascii: " "), p[i + 4] == UInt8(ascii: "\"") {
                let s = i + 5
                var e = s
                while e < line.count, p[e] != UInt8(ascii: "\"") { e += 1 }
                return e > s && e < line.count ? s..<e : nil
            }
            i += 1
        }
        return nil
    }

    /// When the message at `at` is a denial (`Access denied with code 403 …`): the status it gives,
    /// -1 when it names none. Nil when it is not a denial.
    static func denial(_ line: Bytes, at: Int) -> Int32? {
        guard ModSecurityErrorLogParser.hasPrefix(line, at: at, "Access denied") else { return nil }
        guard let code = ModSecurityErrorLogParser.find(line, "with code ", from: at), code + 13 <= line.count,
              let a = ModSecurityNativeParser.digit(line[code + 10]), let b = ModSecurityNativeParser.digit(line[code + 11]),
              let c = ModSecurityNativeParser.digit(line[code + 12]) else { return -1 }
        return Int32(a * 100 + b * 10 + c)
    }

    /// Whether a denial appears anywhere in `line` (part H writes it after `Message: `, or inside an
    /// `Apache-Error:` line after the server's own prefix).
    static func containsDenial(_ line: Bytes) -> Bool {
        ModSecurityErrorLogParser.find(line, "Access denied", from: 0) != nil
    }
}

/// The rule that decides a record's WAF verdict: the first rule that denied access, else the first
/// that matched. `range` points into the record's own buffer.
struct DecidingRule {
    var range = 0..<0
    var denies = false

    /// Whether a rule of a message that does (or does not) deny access takes the place of this one.
    func isReplaced(byDenial messageDenies: Bool) -> Bool {
        range.isEmpty || (messageDenies && !denies)
    }
}
