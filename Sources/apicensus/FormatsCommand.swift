import ArgumentParser
import APICensusCore

/// `apicensus formats`: what APICensus reads, with an example record and the fields each yields.
struct FormatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "formats",
        abstract: "Lists every log format APICensus reads, with an example record and the fields it yields.",
        discussion: """
            Formats are recognised per file from their first lines; --format NAME on 'batch' forces one. \
            The fields a format yields decide which indicators its logs can support: a format without \
            authorization evidence, for instance, leaves authentication 'not observable'.
            """
    )

    @Flag(name: .long, help: "Print the list as JSON (name, title, default_role, yields, example).")
    var json = false

    func run() throws {
        if json {
            let document = JSONOutput.array(FormatCatalog.all.map { d in
                .object([
                    ("name", .string(d.format.rawValue)),
                    ("title", .string(d.title)),
                    ("default_role", .string(d.defaultRole.rawValue)),
                    ("reads_sequentially", .bool(d.readsSequentially)),
                    ("yields", .array(d.yields.sorted().map { .string($0.rawValue) })),
                    ("example", .string(d.example)),
                ])
            })
            print(document.serialized(indent: 2))
            return
        }
        for d in FormatCatalog.all {
            print("\(d.format.rawValue)  —  \(d.title)  (default role: \(d.defaultRole.rawValue))")
            print("  yields:  \(d.yields.sorted().map(\.rawValue).joined(separator: ", "))")
            print("  example: \(d.example)")
            print("")
        }
    }
}
