import Foundation
import Testing
@testable import APICensusIO

@Suite struct PlainFileSplitterTests {
    @Test(arguments: [11 as UInt64, 12, 13])
    func rangesCoverTheFileAtLineBoundaries(seed: UInt64) throws {
        let dir = try TempDir()
        let lines = randomLines(count: 5000, lengths: 0...500, seed: seed)
        let data = joined(lines, terminator: seed != 12)
        let p = try dir.write("big.log", data)
        let size = Int64(data.count)
        for target in [1, 7, 999, 50_000, data.count - 1, data.count, 10 * data.count] {
            let ranges = try PlainFileSplitter.ranges(path: p, fileSize: size, targetRangeSize: target)
            #expect(ranges.first?.lowerBound == 0)
            #expect(ranges.last?.upperBound == size)
            for (a, b) in zip(ranges, ranges.dropFirst()) {
                #expect(a.upperBound == b.lowerBound)
            }
            for r in ranges {
                #expect(!r.isEmpty)
                if r.lowerBound > 0 { #expect(data[Int(r.lowerBound) - 1] == 0x0A) }
                // Only moved forward: at least the target, unless it is the last range.
                if r.upperBound < size { #expect(r.count >= target) }
            }
            // Reading every range with a chunker gives the file back, lines intact, offsets absolute.
            var all: [UInt8] = []
            var allLines: [[UInt8]] = []
            for r in ranges {
                let run = chunkAll(try LineChunker(path: p, range: r, maxLineLength: 1000, bufferSize: 4096), startOffset: r.lowerBound)
                #expect(run.error == nil)
                all += run.bytes
                allLines += run.lines
            }
            #expect(all == data)
            #expect(allLines == lines)
        }
    }

    @Test func smallAndEmptyFiles() throws {
        let dir = try TempDir()
        let e = try dir.write("e.log", [])
        #expect(try PlainFileSplitter.ranges(path: e, fileSize: 0, targetRangeSize: 10) == [])
        let one = try dir.write("one.log", "no newline at all, longer than the target")
        #expect(try PlainFileSplitter.ranges(path: one, fileSize: 41, targetRangeSize: 5) == [0..<41])
    }

    @Test func tooLongLineInARange() throws {
        let dir = try TempDir()
        let data = Array("a\n".utf8) + [UInt8](repeating: 0x7A, count: 5000) + Array("\nb\n".utf8)
        let p = try dir.write("r.log", data)
        let ranges = try PlainFileSplitter.ranges(path: p, fileSize: Int64(data.count), targetRangeSize: 1)
        var events: [ChunkRun.Event] = []
        for r in ranges {
            events += chunkAll(try LineChunker(path: p, range: r, maxLineLength: 100, bufferSize: 0), startOffset: r.lowerBound).events
        }
        #expect(events == expectedEvents(data, limit: 100))
        #expect(events.contains(.tooLong(TooLongLine(offset: 2, length: 5000))))
    }
}

@Suite struct InputExpansionTests {
    func paths(_ entries: [InputEntry]) -> [String] {
        entries.map {
            switch $0 {
            case .file(let f): return f.path
            case .failure(let e): return "ERROR " + e.path
            }
        }
    }

    @Test func directoriesRecursiveSortedNoHiddenNoLoops() throws {
        let dir = try TempDir()
        let root = dir.path("logs")
        try dir.write("logs/b.log", "b\n")
        try dir.write("logs/a/2.log.gz", "2\n")
        try dir.write("logs/a/10.log", "10\n")
        try dir.write("logs/a/1.log", "1\n")
        try dir.write("logs/B.log", "B\n")
        try dir.write("logs/.hidden.log", "h\n")
        try dir.write("logs/.git/config", "x\n")
        try dir.write("logs/z/deeper/x.log", "x\n")
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: root + "/z/loop", withDestinationPath: root)  // loop back to the root
        try fm.createSymbolicLink(atPath: root + "/current", withDestinationPath: root + "/b.log")  // duplicate of b.log
        try fm.createSymbolicLink(atPath: root + "/dangling", withDestinationPath: root + "/nope")
        try dir.write("other.log", "o\n")

        let entries = InputExpansion.expand([root, dir.path("missing.log"), dir.path("other.log"), "-", root + "/b.log", "-"])
        #expect(paths(entries) == [
            root + "/B.log",
            root + "/a/1.log",
            root + "/a/10.log",
            root + "/a/2.log.gz",
            root + "/b.log",
            "ERROR " + root + "/dangling",
            root + "/z/deeper/x.log",
            "ERROR " + dir.path("missing.log"),
            dir.path("other.log"),
            "-",
        ])
        if case .file(let f) = entries[0] { #expect(f.size == 2 && f.isRegularFile) }
        if case .file(let f) = entries.last! { #expect(f.isStdin && f.size == nil) }
        if case .failure(let e) = entries[7] { #expect(e.kind == .unreadable && !e.message.isEmpty) }
        // A hidden file named explicitly is read.
        #expect(paths(InputExpansion.expand([root + "/.hidden.log"])) == [root + "/.hidden.log"])
        // Trailing slash.
        #expect(paths(InputExpansion.expand([root + "/a/"])) == [root + "/a/1.log", root + "/a/10.log", root + "/a/2.log.gz"])
    }
}
