import Foundation
import Testing
@testable import APICensusIO

/// A temporary folder removed on deinit.
final class TempDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("apicensus-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = path(name)
        try FileManager.default.createDirectory(
            atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    /// Real gzip bytes produced by the `gzip` command.
    func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let p = try write("gz-src-\(UUID().uuidString)", bytes)
        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        proc.arguments = ["gzip", "-n", "-f", p]
        try proc.run()
        proc.waitUntilExit()
        #expect(proc.terminationStatus == 0)
        let out = try [UInt8](Data(contentsOf: URL(fileURLWithPath: p + ".gz")))
        try FileManager.default.removeItem(atPath: p + ".gz")
        return out
    }
}

/// Deterministic pseudo-random generator (SplitMix64) so failures reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Log-like lines with random lengths in `lengths` (newline excluded).
func randomLines(count: Int, lengths: ClosedRange<Int>, seed: UInt64) -> [[UInt8]] {
    var rng = SplitMix(seed: seed)
    let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789 /-?=&\"[]:.".utf8)
    return (0..<count).map { i in
        let n = Int.random(in: lengths, using: &rng)
        var line = Array("\(i) ".utf8.prefix(n))
        while line.count < n { line.append(alphabet.randomElement(using: &rng)!) }
        return line
    }
}

func joined(_ lines: [[UInt8]], terminator: Bool = true) -> [UInt8] {
    var out: [UInt8] = []
    for (i, l) in lines.enumerated() {
        out += l
        if terminator || i < lines.count - 1 { out.append(0x0A) }
    }
    return out
}

/// Everything a `ByteStreamReader` delivers, and the error that ended it (if any).
func readAll(_ path: String, bufferSize: Int = 64 * 1024, blockSize: Int = 1 << 20) throws
    -> (data: [UInt8], error: InputError?, reader: ByteStreamReader)
{
    let reader = try ByteStreamReader(path: path, blockSize: blockSize)
    var out: [UInt8] = []
    let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
    defer { buf.deallocate() }
    do {
        while true {
            let n = try reader.read(into: buf)
            if n == 0 { break }
            out += buf[0..<n]
        }
    } catch {
        return (out, error, reader)
    }
    return (out, nil, reader)
}

/// Lines (terminator stripped), too-long lines, and all chunk bytes of a chunker run, checking
/// that chunks are contiguous, made of complete lines and within the buffer.
struct ChunkRun {
    var bytes: [UInt8] = []
    var lines: [[UInt8]] = []
    /// Events in order: .line(offset) or .tooLong
    var events: [Event] = []
    var tooLong: [TooLongLine] = []
    var error: InputError?
    var maxChunk = 0

    enum Event: Equatable {
        case line(offset: Int64, bytes: [UInt8])
        case tooLong(TooLongLine)
    }
}

func chunkAll(_ chunker: LineChunker, startOffset: Int64 = 0) -> ChunkRun {
    var run = ChunkRun()
    var expectedOffset = startOffset
    do {
        while let chunk = try chunker.next() {
            run.maxChunk = max(run.maxChunk, chunk.bytes.count)
            #expect(chunk.bytes.count <= chunker.bufferCapacity)
            for t in chunk.tooLongBefore {
                #expect(t.offset == expectedOffset)
                expectedOffset = t.offset + t.length + 1
                run.tooLong.append(t)
                run.events.append(.tooLong(t))
            }
            if chunk.bytes.count > 0 {
                // A too-long line at EOF without `\n` has no +1; the next chunk would not exist then.
                #expect(chunk.startOffset == expectedOffset)
                expectedOffset = chunk.endOffset
            }
            run.bytes += chunk.bytes
            var lineOffset = chunk.startOffset
            chunk.forEachLine { line in
                run.lines.append(Array(line))
                run.events.append(.line(offset: lineOffset, bytes: Array(line)))
                lineOffset += Int64(line.count)
                let end = Int(lineOffset - chunk.startOffset)
                if end < chunk.bytes.count && chunk.bytes[end] == 0x0D { lineOffset += 1 }
                lineOffset += 1
            }
        }
    } catch {
        run.error = error
    }
    return run
}
