import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A progress line on stderr (bytes/s, lines/s, files done, ETA), redrawn twice a second while a
/// batch runs. Created only when stderr is a terminal, so logs piped to a file stay clean.
public final class ProgressReporter: Sendable {
    private let bytes = Atomic<Int>(0)
    private let lines = Atomic<Int>(0)
    private let filesDone = Atomic<Int>(0)
    private let partsDone = Mutex<[Int: Int]>([:])
    private let totals = Mutex<(diskBytes: Int64, files: Int, start: Double)>((0, 0, 0))
    private let running = Atomic<Bool>(false)
    private let thread = Mutex<pthread_t?>(nil)

    public init() {}

    /// A reporter when stderr is a terminal, nil otherwise.
    public static func forTerminal() -> ProgressReporter? {
        isatty(STDERR_FILENO) == 1 ? ProgressReporter() : nil
    }

    func start(totalDiskBytes: Int64, totalFiles: Int) {
        totals.withLock { $0 = (totalDiskBytes, totalFiles, Self.now()) }
        running.store(true, ordering: .relaxed)
        let t = startThread { [self] in
            while running.load(ordering: .relaxed) {
                usleep(500_000)
                if running.load(ordering: .relaxed) { draw(final: false) }
            }
        }
        thread.withLock { $0 = t }
    }

    func add(bytes count: Int, lines lineCount: Int) {
        bytes.wrappingAdd(count, ordering: .relaxed)
        lines.wrappingAdd(lineCount, ordering: .relaxed)
    }

    func partDone(input: Int, parts: Int) {
        let done = partsDone.withLock { counts -> Bool in
            counts[input, default: 0] += 1
            return counts[input]! == parts
        }
        if done { filesDone.wrappingAdd(1, ordering: .relaxed) }
    }

    func finish() {
        guard running.exchange(false, ordering: .relaxed) else { return }
        if let t = thread.withLock({ $0 }) { pthread_join(t, nil) }
        draw(final: true)
    }

    private func draw(final: Bool) {
        let (diskBytes, files, start) = totals.withLock { $0 }
        let elapsed = max(Self.now() - start, 0.001)
        let b = Double(bytes.load(ordering: .relaxed))
        let l = Double(lines.load(ordering: .relaxed))
        let done = filesDone.load(ordering: .relaxed)
        var text = "\r\u{1B}[K" + format1(b / elapsed / 1e6) + " MB/s  " + format1(l / elapsed / 1e6) + "M lines/s  "
            + "files \(done)/\(files)  " + format1(b / 1e6) + " MB read"
        // Plain bytes read track the on-disk total closely; gzip inputs make this an estimate.
        if !final, diskBytes > 0, b > 0, b < Double(diskBytes) {
            text += "  ETA " + format1((Double(diskBytes) - b) / (b / elapsed)) + " s"
        }
        if final { text += "  in " + format1(elapsed) + " s\n" }
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    private func format1(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
