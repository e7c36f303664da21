import Foundation
import Testing

/// Deploy/: every configuration file parses, the Kubernetes manifests hang together (probes on
/// /healthz, Prometheus annotations, the Secret and ConfigMap they use exist, replicas ≤ partitions),
/// the systemd units pass `systemd-analyze verify`, and the container's runtime stage installs the
/// packages of every shared library the binary links.
@Suite(.serialized) struct DeployTests {
    static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Deploy")

    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    /// Runs a program (found on PATH) to the end, both pipes read.
    static func run(_ program: String, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let errData = Mutable<Data>()
        let errThread = Thread { errData.value = err.fileHandleForReading.readDataToEndOfFile() }
        errThread.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errThread.isFinished { usleep(1000) }
        return Output(status: process.terminationStatus, stdout: outData, stderr: String(decoding: errData.value, as: UTF8.self))
    }

    static func files(withExtensions extensions: Set<String>) -> [URL] {
        let walker = FileManager.default.enumerator(at: deploy, includingPropertiesForKeys: nil)!
        return walker.compactMap { $0 as? URL }.filter { extensions.contains($0.pathExtension) }.sorted { $0.path < $1.path }
    }

    /// Every document of a YAML file, as JSON objects (parsed by PyYAML's safe loader).
    static func yamlDocuments(_ file: URL) throws -> [Any] {
        let r = try run("python3", ["-c", "import json,sys,yaml; json.dump(list(yaml.safe_load_all(open(sys.argv[1]))), sys.stdout)", file.path])
        guard r.status == 0 else {
            Issue.record("\(file.path) is not valid YAML: \(r.stderr)")
            return []
        }
        return try JSONSerialization.jsonObject(with: r.stdout) as! [Any]
    }

    static func manifests() throws -> [[String: Any]] {
        try files(withExtensions: ["yaml"]).filter { $0.path.contains("/kubernetes/") }
            .flatMap { try yamlDocuments($0) }.compactMap { $0 as? [String: Any] }
    }

    @Test func everyConfigurationFileParses() throws {
        let yaml = Self.files(withExtensions: ["yaml", "yml"])
        #expect(yaml.count >= 9, "\(yaml.map(\.lastPathComponent))")
        for file in yaml {
            let documents = try Self.yamlDocuments(file)
            #expect(!documents.isEmpty, "\(file.lastPathComponent) has no document")
        }
        for file in Self.files(withExtensions: ["json"]) {
            #expect(throws: Never.self, "\(file.lastPathComponent)") { try JSONSerialization.jsonObject(with: Data(contentsOf: file)) }
        }
        for file in Self.files(withExtensions: ["toml"]) {
            let r = try Self.run("python3", ["-c", "import sys,tomllib; tomllib.load(open(sys.argv[1],'rb'))", file.path])
            #expect(r.status == 0, "\(file.lastPathComponent) is not valid TOML: \(r.stderr)")
        }
        // The environment file: NAME=value lines only, and it defines every variable the units use.
        let env = try String(contentsOf: Self.deploy.appendingPathComponent("systemd/apicensus.env"), encoding: .utf8)
        var defined = Set<String>()
        for line in env.split(separator: "\n") where !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = line.split(separator: "=", maxSplits: 1)
            #expect(parts.count == 2 && parts[0].allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" }, "apicensus.env: \(line)")
            defined.insert(String(parts[0]))
        }
        for unit in Self.files(withExtensions: ["service"]) {
            let text = try String(contentsOf: unit, encoding: .utf8)
            for match in text.matches(of: /\$\{?([A-Z][A-Z0-9_]*)\}?/) {
                #expect(defined.contains(String(match.1)), "\(unit.lastPathComponent) uses \(match.1), which apicensus.env does not define")
            }
        }
    }

    /// The configuration file (in the ConfigMap, and for systemd where both services read it) follows
    /// Schemas/config.schema.json, is accepted by `batch --config` (the loader `consume --config`
    /// shares; ConsumeCLITests runs consume on the systemd file), and takes secrets from env:/file:.
    @Test func configurationFilesAreWellFormed() throws {
        let configMap = try Self.manifests().first { $0["kind"] as? String == "ConfigMap" }!
        let embedded = (configMap["data"] as! [String: Any])["apicensus.yaml"] as! String
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("apicensus-config-\(UUID().uuidString).yaml")
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("apicensus-empty-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: file); try? FileManager.default.removeItem(at: empty) }
        try Data(embedded.utf8).write(to: file)
        try Data().write(to: empty)
        let schema = Self.deploy.deletingLastPathComponent().appendingPathComponent("Schemas/config.schema.json").path
        let validate = """
            import json, sys, yaml, jsonschema
            schema = json.load(open(sys.argv[1]))
            errors = list(jsonschema.Draft202012Validator(schema).iter_errors(yaml.safe_load(open(sys.argv[2]))))
            for e in errors: print("/".join(map(str, e.absolute_path)), e.message)
            sys.exit(1 if errors else 0)
            """
        for source in [file, Self.deploy.appendingPathComponent("systemd/apicensus.yaml")] {
            let name = source.lastPathComponent
            let checked = try Self.run("python3", ["-c", validate, schema, source.path])
            #expect(checked.status == 0, "\(name) does not follow Schemas/config.schema.json: \(String(decoding: checked.stdout, as: UTF8.self)) \(checked.stderr)")
            let batch = try CLI.run(["batch", "--no-progress", "--config", source.path, empty.path])
            #expect(batch.status == 0, "batch --config \(name): \(batch.stderr)")
            let config = try Self.yamlDocuments(source).first as! [String: Any]
            let kafka = config["kafka"] as! [String: Any]
            let topics = kafka["topics"] as! [[String: Any]]
            #expect(topics.allSatisfy { $0["name"] is String })
            // The gateway's topic says so: what it sees is mediated.
            #expect(topics.contains { $0["role"] as? String == "gateway" }, "\(name)")
            let properties = kafka["properties"] as? [String: Any] ?? [:]
            for (name, value) in properties where name.contains("password") || name.contains("secret") {
                let text = "\(value)"
                #expect(text.hasPrefix("env:") || text.hasPrefix("file:"), "\(name) must come from env: or file:, not the file itself")
            }
        }
        #expect(embedded.contains("sasl.password: env:KAFKA_SASL_PASSWORD"))
        // Both systemd services read the same file.
        for unit in ["apicensus-consume.service", "apicensus-batch.service"] {
            let text = try String(contentsOf: Self.deploy.appendingPathComponent("systemd/\(unit)"), encoding: .utf8)
            #expect(text.contains("--config /etc/apicensus/apicensus.yaml"), "\(unit)")
        }
    }

    @Test func kubernetesManifestsHangTogether() throws {
        let manifests = try Self.manifests()
        func named(_ kind: String) -> [[String: Any]] { manifests.filter { $0["kind"] as? String == kind } }
        func name(_ m: [String: Any]) -> String { (m["metadata"] as! [String: Any])["name"] as! String }
        let deployment = try #require(named("Deployment").first)
        let metadata = deployment["metadata"] as! [String: Any]
        let spec = deployment["spec"] as! [String: Any]
        // Replicas never exceed the topic's partitions, not even during a rollout.
        let partitions = Int((metadata["annotations"] as! [String: Any])["apicensus.dev/topic-partitions"] as! String)!
        let replicas = spec["replicas"] as! Int
        #expect(replicas >= 1 && replicas <= partitions)
        let rolling = (spec["strategy"] as! [String: Any])["rollingUpdate"] as! [String: Any]
        #expect(rolling["maxSurge"] as? Int == 0)
        let template = spec["template"] as! [String: Any]
        let podMeta = template["metadata"] as! [String: Any]
        #expect((spec["selector"] as! [String: Any])["matchLabels"] as! [String: String] == podMeta["labels"] as! [String: String])
        // Prometheus scrape annotations point at the metrics port the command serves.
        let annotations = podMeta["annotations"] as! [String: String]
        #expect(annotations["prometheus.io/scrape"] == "true")
        #expect(annotations["prometheus.io/path"] == "/metrics")
        let podSpec = template["spec"] as! [String: Any]
        let container = (podSpec["containers"] as! [[String: Any]])[0]
        let ports = container["ports"] as! [[String: Any]]
        let metrics = try #require(ports.first { $0["name"] as? String == "metrics" })
        let metricsPort = metrics["containerPort"] as! Int
        #expect(annotations["prometheus.io/port"] == String(metricsPort))
        let command = ((container["command"] as? [String] ?? []) + (container["args"] as? [String] ?? [])).joined(separator: " ")
        #expect(command.contains("apicensus consume"))
        #expect(command.contains("--metrics-port \(metricsPort)"))
        // Liveness and readiness on /healthz at that port.
        for probe in ["livenessProbe", "readinessProbe"] {
            let http = try #require((container[probe] as? [String: Any])?["httpGet"] as? [String: Any], "\(probe)")
            #expect(http["path"] as? String == "/healthz", "\(probe)")
            #expect(http["port"] as? String == "metrics" || http["port"] as? Int == metricsPort, "\(probe)")
        }
        // Every Secret and ConfigMap the pod uses is defined, with the keys it reads.
        let secrets = Dictionary(uniqueKeysWithValues: named("Secret").map { (name($0), $0) })
        let configMaps = Dictionary(uniqueKeysWithValues: named("ConfigMap").map { (name($0), $0) })
        var secretRefs = 0
        for env in container["env"] as! [[String: Any]] {
            guard let from = env["valueFrom"] as? [String: Any] else { continue }
            if let ref = from["secretKeyRef"] as? [String: Any] {
                secretRefs += 1
                let secret = try #require(secrets[ref["name"] as! String], "Secret \(ref["name"]!) is not defined")
                let keys = Set(((secret["stringData"] ?? secret["data"]) as! [String: Any]).keys)
                #expect(keys.contains(ref["key"] as! String))
            }
            if let ref = from["configMapKeyRef"] as? [String: Any] {
                let map = try #require(configMaps[ref["name"] as! String])
                #expect((map["data"] as! [String: Any])[ref["key"] as! String] != nil)
            }
        }
        #expect(secretRefs >= 1, "the SASL Secret is not referenced")
        #expect(command.contains("env:") || (configMaps.values.contains { "\($0["data"]!)".contains("env:KAFKA_SASL_PASSWORD") }))
        let claims = Set(named("PersistentVolumeClaim").map(name))
        for volume in podSpec["volumes"] as! [[String: Any]] {
            if let c = volume["configMap"] as? [String: Any] { #expect(configMaps[c["name"] as! String] != nil) }
            if let c = volume["persistentVolumeClaim"] as? [String: Any] { #expect(claims.contains(c["claimName"] as! String)) }
        }
        // Every container-level mount has its volume.
        let volumeNames = Set((podSpec["volumes"] as! [[String: Any]]).map { $0["name"] as! String })
        for mount in container["volumeMounts"] as! [[String: Any]] { #expect(volumeNames.contains(mount["name"] as! String)) }
        // The kustomization lists every manifest file there is.
        let kustomization = try #require(manifests.first { $0["kind"] as? String == "Kustomization" })
        let listed = Set(kustomization["resources"] as! [String])
        let present = Set(Self.files(withExtensions: ["yaml"]).filter { $0.path.contains("/kubernetes/") }.map(\.lastPathComponent))
        #expect(listed == present.subtracting(["kustomization.yaml"]))
    }

    /// A root with what `systemd-analyze verify` looks at besides the units: systemd's own units
    /// (sysinit.target, …) and the programs ExecStart= names, here the real built binary. Without it,
    /// verify fails in any container or build host on "Command /usr/local/bin/apicensus is not
    /// executable" (verify checks that ExecStart= programs exist), and `--root` alone fails on
    /// "Unit sysinit.target not found".
    static func verificationRoot() throws -> URL {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("apicensus-systemd-\(UUID().uuidString)")
        for dir in ["usr/local/bin", "bin", "etc/systemd/system", "usr/lib/systemd"] {
            try fm.createDirectory(at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        #expect(fm.fileExists(atPath: "/usr/lib/systemd/system/sysinit.target"), "the systemd package is not installed (scripts/install-deps installs it)")
        try fm.copyItem(atPath: "/usr/lib/systemd/system", toPath: root.appendingPathComponent("usr/lib/systemd/system").path)
        try fm.copyItem(at: CLI.binary, to: root.appendingPathComponent("usr/local/bin/apicensus"))
        try fm.copyItem(atPath: URL(fileURLWithPath: "/bin/sh").resolvingSymlinksInPath().path, toPath: root.appendingPathComponent("bin/sh").path)
        return root
    }

    static let units = ["apicensus-consume.service", "apicensus-batch.service", "apicensus-batch.timer"]

    @Test func systemdUnitsPassVerify() throws {
        let root = try Self.verificationRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        for unit in Self.units {
            try FileManager.default.copyItem(at: Self.deploy.appendingPathComponent("systemd/\(unit)"),
                                             to: root.appendingPathComponent("etc/systemd/system/\(unit)"))
        }
        let r = try Self.run("systemd-analyze", ["verify", "--root=\(root.path)", "--man=no"] + Self.units.map { "/etc/systemd/system/\($0)" })
        // verify exits 0 on unknown keys and bad values (it only warns), so its output must be empty too.
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")

        // The check is not vacuous: a misspelt key and a missing program are both reported.
        let unit = root.appendingPathComponent("etc/systemd/system/apicensus-consume.service")
        let text = try String(contentsOf: unit, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "RestartSec=", with: "RestartSecs=").utf8).write(to: unit)
        try FileManager.default.removeItem(at: root.appendingPathComponent("usr/local/bin/apicensus"))
        let broken = try Self.run("systemd-analyze", ["verify", "--root=\(root.path)", "--man=no", "/etc/systemd/system/apicensus-consume.service"])
        #expect(broken.stderr.contains("Unknown key 'RestartSecs'"), "\(broken.stderr)")
        #expect(broken.stderr.contains("/usr/local/bin/apicensus is not executable"), "\(broken.stderr)")
        #expect(broken.status != 0)
    }

    /// The user and the directories the units need come from sysusers.d and tmpfiles.d snippets.
    @Test func sysusersAndTmpfilesSnippetsApply() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("apicensus-sysusers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let users = try Self.run("systemd-sysusers", ["--root=\(root.path)", Self.deploy.appendingPathComponent("systemd/apicensus.sysusers.conf").path])
        #expect(users.status == 0, "\(users.stderr)")
        let passwd = try String(contentsOf: root.appendingPathComponent("etc/passwd"), encoding: .utf8)
        #expect(passwd.contains("apicensus:x:"))
        let dirs = try Self.run("systemd-tmpfiles", ["--root=\(root.path)", "--create", Self.deploy.appendingPathComponent("systemd/apicensus.tmpfiles.conf").path])
        #expect(dirs.status == 0, "\(dirs.stderr)")
        for dir in ["var/lib/apicensus/snapshots", "var/lib/apicensus/reports"] {
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(dir).path, isDirectory: &isDirectory) && isDirectory.boolValue, "\(dir)")
        }
        // The consume unit appends its snapshots inside a directory the snippet creates.
        let unit = try String(contentsOf: Self.deploy.appendingPathComponent("systemd/apicensus-consume.service"), encoding: .utf8)
        #expect(unit.contains("StandardOutput=append:/var/lib/apicensus/snapshots/"))
    }

    /// The runtime stage installs the Debian package of every shared library the binary links
    /// (other than glibc and the Swift runtime, which the build links statically).
    @Test func containerRuntimeHasTheBinarysLibraries() throws {
        let dockerfile = try String(contentsOf: Self.deploy.appendingPathComponent("container/Dockerfile"), encoding: .utf8)
        let stages = dockerfile.split(separator: "\n").filter { $0.hasPrefix("FROM ") }
        #expect(stages.count == 2)
        #expect(dockerfile.contains("ARG SWIFT_IMAGE=swift:6.3-"))
        #expect(dockerfile.contains("ARG RUNTIME_IMAGE=debian:") && dockerfile.contains("-slim"))
        #expect(dockerfile.contains("--static-swift-stdlib"))
        #expect(dockerfile.contains("COPY --from=build"))
        let runtime = String(dockerfile[dockerfile.range(of: "AS runtime")!.upperBound...])
        let installLine = try #require(runtime.split(separator: "\n").first { $0.contains("apt-get install") })
        let words: [String] = installLine.split(separator: " ").map(String.init)
        let notPackages: Set<String> = ["apt-get", "install", "&&", "\\"]
        let packages = Set(words.filter { word in !word.hasPrefix("-") && !word.contains("=") && !notPackages.contains(word) })
        #expect(packages.isSuperset(of: ["librdkafka1", "zlib1g"]), "\(packages)")

        let ldd = try Self.run("ldd", [CLI.binary.path])
        #expect(ldd.status == 0)
        let needed = try Self.run("readelf", ["-d", CLI.binary.path])
        let names = String(decoding: needed.stdout, as: UTF8.self).matches(of: /Shared library: \[([^\]]+)\]/).map { String($0.1) }
        #expect(names.contains("libz.so.1"))
        let resolved = String(decoding: ldd.stdout, as: UTF8.self)
        for name in names {
            guard let line = resolved.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(name + " ") }),
                  let path = line.split(separator: " ").first(where: { $0.hasPrefix("/") }).map(String.init)
            else { continue }   // ld-linux: the loader itself
            let owner = try Self.run("dpkg", ["-S", path])
            guard owner.status == 0 else { continue }   // the Swift toolchain's own libraries (linked statically in the image)
            let package = String(String(decoding: owner.stdout, as: UTF8.self).split(separator: ":")[0])
            if package == "libc6" { continue }
            #expect(packages.contains(package), "\(name) comes from \(package), which the runtime stage does not install")
        }
    }
}
