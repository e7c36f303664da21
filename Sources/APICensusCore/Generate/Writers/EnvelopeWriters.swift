/// `combined` lines inside an envelope, so the benchmark can measure what unwrapping costs:
/// `syslog_combined` as NGINX writes to syslog (`access_log syslog:server=…`), RFC 3164 with priority,
/// host and tag; `docker_json_combined` as Docker's json-file driver stores a container's stdout.
struct EnvelopedCLFWriter: SyntheticLogWriter {
    enum Envelope { case syslog, dockerJSON }

    let name: String
    let envelope: Envelope
    let logsHost = false
    private let inner = CLFWriter(name: "combined", vhost: false, combined: true)

    init(_ envelope: Envelope) {
        self.envelope = envelope
        name = envelope == .syslog ? "syslog_combined" : "docker_json_combined"
    }

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        var line: [UInt8] = []
        inner.append(r, to: &line)
        let iso = Array(r.isoTime.utf8)  // 2026-01-01T00:00:00.000Z
        switch envelope {
        case .syslog:
            // <190> = facility local7, severity info (NGINX's default).
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            let month = months[Int(String(decoding: iso[5...6], as: UTF8.self))! - 1]
            var day = String(decoding: iso[8...9], as: UTF8.self)
            if day.first == "0" { day = " " + day.dropFirst() }
            out.append(contentsOf: "<190>\(month) \(day) \(String(decoding: iso[11...18], as: UTF8.self)) web-\(r.clientIndex % 3 + 1) nginx: ".utf8)
            out.append(contentsOf: line)
        case .dockerJSON:
            out.append(contentsOf: #"{"log":""#.utf8)
            for b in line {
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                out.append(b)
            }
            // Docker keeps the newline; its time has nanoseconds.
            out.append(contentsOf: #"\n","stream":"stdout","time":""#.utf8)
            out.append(contentsOf: iso[0...22])
            out.append(contentsOf: #"000000Z"}"#.utf8)
        }
    }
}
