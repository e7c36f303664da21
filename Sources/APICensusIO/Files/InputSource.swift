#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How an input is stored. Decided by the content (gzip magic `1f 8b`), never by the file name:
/// a plain file named `x.gz` is read as plain, a gzip file named `x.log` is inflated.
public enum InputEncoding: String, Sendable, Equatable {
    case plain
    case gzip

    /// Encoding of a stream starting with `prefix`. Fewer than 2 bytes (an empty or 1-byte input) is plain.
    public static func detect(prefix: UnsafeRawBufferPointer) -> InputEncoding {
        prefix.count >= 2 && prefix[0] == 0x1F && prefix[1] == 0x8B ? .gzip : .plain
    }

    /// Encoding of a regular file, read with `pread` (does not work on stdin/pipes: use `ByteStreamReader`).
    public static func detect(path: String) throws(InputError) -> InputEncoding {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw InputError(path: path, kind: .unreadable, message: InputError.errnoMessage(errno))
        }
        defer { close(fd) }
        var magic: (UInt8, UInt8) = (0, 0)
        var got = 0
        while got < 2 {
            let r = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress! + got, 2 - got, off_t(got)) }
            if r < 0 {
                if errno == EINTR { continue }
                throw InputError(path: path, kind: .ioError, message: InputError.errnoMessage(errno))
            }
            if r == 0 { break }
            got += r
        }
        return got == 2 && magic.0 == 0x1F && magic.1 == 0x8B ? .gzip : .plain
    }
}

/// One input to read, as found by `InputExpansion.expand`.
public struct InputFile: Sendable, Hashable {
    /// The path (as given or as built while walking a directory), or `-` for stdin.
    public let path: String
    /// Size in bytes for regular files; `nil` for stdin, pipes and devices (size unknown in advance).
    public let size: Int64?

    public init(path: String, size: Int64?) {
        self.path = path
        self.size = size
    }

    public var isStdin: Bool { path == "-" }
    /// Regular file: can be `pread`, split into ranges (when plain), its size is known.
    public var isRegularFile: Bool { size != nil }
}

/// One result of expanding the command-line paths: a file to read, or a path that could not be used.
public enum InputEntry: Sendable, Equatable {
    case file(InputFile)
    /// The caller reports it (kind `.unreadable`) and goes on with the other entries.
    case failure(InputError)
}

/// Expands command-line PATH arguments into the files to read.
///
/// Decisions:
/// - `-` is stdin (at most once; repeats are dropped). A file literally named `-` is reachable as `./-`.
/// - An explicitly named path is used whatever it is (regular file, FIFO, `/dev/stdin`, hidden name).
/// - A directory is walked recursively, depth first, entries of each directory sorted by the bytes of
///   their names (so the order is the same on every machine and file system). Inside directories:
///   names starting with `.` are skipped (`.git`, `.DS_Store`, editor swap files), and only regular
///   files are taken (sockets, FIFOs, devices are skipped).
/// - Symbolic links are followed, but each directory and each file (by device + inode) is taken once
///   for the whole expansion: no symlink loop, and a file reached twice (named twice, or
///   `current.log -> access.log.1` next to its target) is read once, at its first position.
/// - A missing or unreadable path (or directory) gives a `.failure` entry at its position; nothing throws.
public enum InputExpansion {
    public static func expand(_ arguments: [String]) -> [InputEntry] {
        var walker = Walker()
        for arg in arguments {
            walker.visitArgument(arg)
        }
        return walker.entries
    }

    private struct FileID: Hashable {
        var dev: UInt64
        var ino: UInt64
    }

    private struct Walker {
        var entries: [InputEntry] = []
        var seen: Set<FileID> = []
        var sawStdin = false

        mutating func visitArgument(_ path: String) {
            if path == "-" {
                if !sawStdin {
                    sawStdin = true
                    entries.append(.file(InputFile(path: "-", size: nil)))
                }
                return
            }
            var st = stat()
            guard stat(path, &st) == 0 else {
                fail(path, errno)
                return
            }
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR {
                walkDirectory(path, st)
            } else if type == S_IFREG {
                addFile(path, st)
            } else {
                // FIFO, character device, …: named explicitly, so read it as a stream.
                guard access(path, R_OK) == 0 else {
                    fail(path, errno)
                    return
                }
                entries.append(.file(InputFile(path: path, size: nil)))
            }
        }

        mutating func addFile(_ path: String, _ st: stat) {
            guard seen.insert(FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))).inserted else { return }
            guard access(path, R_OK) == 0 else {
                fail(path, errno)
                return
            }
            entries.append(.file(InputFile(path: path, size: Int64(st.st_size))))
        }

        mutating func walkDirectory(_ path: String, _ st: stat) {
            guard seen.insert(FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))).inserted else { return }
            guard let dir = opendir(path) else {
                fail(path, errno)
                return
            }
            var names: [String] = []
            while let ent = readdir(dir) {
                let name = withUnsafePointer(to: &ent.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: ent.pointee.d_name)) {
                        String(cString: $0)
                    }
                }
                if name.utf8.first == UInt8(ascii: ".") { continue }  // also skips "." and ".."
                names.append(name)
            }
            closedir(dir)
            names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let prefix = path.hasSuffix("/") ? path : path + "/"
            for name in names {
                let child = prefix + name
                var cst = stat()
                guard stat(child, &cst) == 0 else {
                    fail(child, errno)  // e.g. a dangling symlink
                    continue
                }
                let type = cst.st_mode & S_IFMT
                if type == S_IFDIR {
                    walkDirectory(child, cst)
                } else if type == S_IFREG {
                    addFile(child, cst)
                }
            }
        }

        mutating func fail(_ path: String, _ code: Int32) {
            entries.append(.failure(InputError(path: path, kind: .unreadable, message: InputError.errnoMessage(code))))
        }
    }
}
