/// Recognises the error-log lines NGINX and Apache write, which end up in access-log files when both
/// logs share a file or a shipper merges them:
/// - NGINX: `2021/12/01 13:53:33 [error] 31#31: *46 …`
/// - Apache 2.4: `[Thu Oct 13 12:24:49.880562 2022] [auth_basic:error] [pid 10:tid 14012…] …`
/// - Apache 2.2: `[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] …`
/// - a proxy's or plugin's diagnostic line: `DEBUG: CrowdsecBouncerTraefikPlugin: …`, `WARN: …`
/// Only called for lines a parser already rejected, so its cost is off the hot path.
public enum ErrorLogLine {
    static let levels: [[UInt8]] = ["DEBUG", "INFO", "NOTICE", "WARN", "WARNING", "ERROR", "CRITICAL", "FATAL"].map { Array($0.utf8) }

    public static func matches(_ line: Bytes) -> Bool {
        guard let p = line.baseAddress, line.count >= 8 else { return false }
        let n = line.count
        for level in levels where n > level.count + 1 {
            var same = true
            for (k, b) in level.enumerated() where p[k] != b { same = false; break }
            if same && p[level.count] == UInt8(ascii: ":") && p[level.count + 1] == 0x20 { return true }
        }
        guard n >= 24 else { return false }
        func digit(_ i: Int) -> Bool { i < n && p[i] &- 48 < 10 }
        // NGINX: YYYY/MM/DD HH:MM:SS [level]
        if digit(0), digit(1), digit(2), digit(3), p[4] == UInt8(ascii: "/"), digit(5), digit(6), p[7] == UInt8(ascii: "/"),
           digit(8), digit(9), p[10] == 0x20, digit(11), digit(12), p[13] == UInt8(ascii: ":"), p[19] == 0x20,
           p[20] == UInt8(ascii: "[") {
            return true
        }
        // Apache: [Www Mmm dd hh:mm:ss(.micro) yyyy] [module:level] or [level]
        guard p[0] == UInt8(ascii: "["), p[4] == 0x20, p[8] == 0x20 else { return false }
        var i = 1
        while i < n, p[i] != UInt8(ascii: "]") { i += 1 }
        guard i < n, i >= 20, i + 2 < n, p[i + 1] == 0x20, p[i + 2] == UInt8(ascii: "[") else { return false }
        // The date field ends with a 4-digit year.
        return digit(i - 1) && digit(i - 2) && digit(i - 3) && digit(i - 4) && p[i - 5] == 0x20
    }
}
