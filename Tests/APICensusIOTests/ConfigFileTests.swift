import Testing
import APICensusCore
@testable import APICensusIO

@Suite struct ConfigFileTests {
    static let full = """
        version: 1
        sources:
          - path: logs/kong/
            role: gateway
            format: json
            host: api.example.com
          - service=logs/orders.log
          - path: /var/log/alb
            role: ingress
        networks:
          internal: [10.0.0.0/8, "fd00::/8"]
          partners: [192.0.2.0/24]
          trusted_proxies: [10.0.0.0/24]
          gateways: [10.9.0.0/16]
          third_party_hosts: [api.stripe.com, "*.twilio.com"]
        gateway_evidence:
          headers: [Via, X-Kong-*, X-Corp-Gateway]
        api_keys:
          headers: [X-API-Key]
          query_parameters: [api_key, token]
        routes:
          - /api/dog/{id}
          - pattern: /v1/users/{id}
            host: api.example.com
        rules: rules/maturity.yaml
        specs: [specs/orders.yaml, /abs/spec.json]
        kafka:
          brokers: [localhost:9092]
          topic: access-logs
        """

    @Test func readsEverySection() throws {
        let c = try ConfigFile.parse(Self.full, path: "/etc/apicensus/config.yaml")
        #expect(c.sources.map(\.path) == ["/etc/apicensus/logs/kong/", "/etc/apicensus/logs/orders.log", "/var/log/alb"])
        #expect(c.sources[0].options == SourceOptions(role: .gateway, format: .jsonLines, host: "api.example.com"))
        #expect(c.sources[1].options.role == .service)
        #expect(c.sources[2].options.role == .lb)
        #expect(c.coverage.internalNetworks.ranges.map(\.description) == ["10.0.0.0/8", "fd00:0:0:0:0:0:0:0/8"])
        #expect(c.coverage.partnerNetworks.contains(IPAddress.parse("192.0.2.9")!))
        #expect(c.coverage.trustedProxies.contains(IPAddress.parse("10.0.0.9")!))
        #expect(c.coverage.gatewayNetworks.contains(IPAddress.parse("10.9.1.1")!))
        #expect(c.coverage.thirdPartyHosts.matches("api.stripe.com"))
        #expect(c.coverage.thirdPartyHosts.matches("api.twilio.com"))
        #expect(!c.coverage.thirdPartyHosts.matches("example.com"))
        #expect(c.coverage.gatewayEvidenceHeaders.patterns == ["Via", "X-Kong-*", "X-Corp-Gateway"])
        #expect(c.coverage.apiKeyQueryParameters.patterns == ["api_key", "token"])
        #expect(c.routes.match(host: "any", typedPath: "/api/dog/{int}") == "/api/dog/{id}")
        #expect(c.routes.match(host: "api.example.com", typedPath: "/v1/users/{int}") == "/v1/users/{id}")
        #expect(c.rulesPath == "/etc/apicensus/rules/maturity.yaml")
        #expect(c.specPaths == ["/etc/apicensus/specs/orders.yaml", "/abs/spec.json"])
        #expect(c.kafkaSectionLine == 28)
    }

    @Test func defaultsWhenSectionsAreLeftOut() throws {
        let c = try ConfigFile.parse("sources: [gateway=kong.log]\n", path: "c.yaml")
        #expect(c.coverage == CoverageSettings())
        #expect(c.sources == [ConfigFile.Source(path: "kong.log", options: SourceOptions(role: .gateway))])
        let empty = try ConfigFile.parse("", path: "c.yaml")
        #expect(empty.sources.isEmpty)
    }

    /// Each bad configuration is refused with the file, the line and the key.
    @Test(arguments: [
        ("networks:\n  internal: [10.0.0.0/8, 10.0.0/8]\n", 2, "networks.internal[1]", "is not an IP address or CIDR range"),
        ("sources:\n  - path: a.log\n    role: firewall\n", 3, "sources[0].role", "unknown role 'firewall'"),
        ("sources:\n  - path: a.log\n    format: nginx_fancy\n", 3, "sources[0].format", "unknown format 'nginx_fancy'"),
        ("sources:\n  - role: gateway\n", 2, "sources[0].path", "a source needs a path"),
        ("sources:\n  - just-a-path\n", 2, "sources[0]", "neither a mapping nor ROLE=PATH"),
        ("version: 1\nnetwork:\n  internal: []\n", 2, "network", "unknown key 'network'"),
        ("networks:\n  internals: []\n", 2, "networks.internals", "unknown key 'internals'"),
        ("routes:\n  - /api/dog/{id}\n  - /api/{id}x\n", 3, "routes[1]", "a parameter must be a whole segment"),
        ("gateway_evidence:\n  headers: Via\n", 2, "gateway_evidence.headers", "must be a list"),
        ("version: 2\n", 1, "version", "unsupported version"),
        ("kafka: yes\n", 1, "kafka", "must be a mapping"),
    ] as [(String, Int, String, String)])
    func invalidConfigurationNamesFileLineAndKey(yaml: String, line: Int, key: String, message: String) {
        do {
            _ = try ConfigFile.parse(yaml, path: "bad.yaml")
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.file == "bad.yaml")
            #expect(error.line == line, "\(error)")
            #expect(error.key == key, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(error.description.hasPrefix("bad.yaml:\(line): \(key): "))
        }
    }

    @Test func yamlSyntaxErrorsHaveTheirLine() {
        do {
            _ = try ConfigFile.parse("sources:\n  - path: a.log\n   role: gateway\n  bad: [\n", path: "broken.yaml")
            Issue.record("accepted broken YAML")
        } catch {
            #expect(error.line != nil)
            #expect(error.message.hasPrefix("not valid YAML"))
            #expect(error.description.hasPrefix("broken.yaml:"))
        }
    }

    @Test func sourceArguments() {
        #expect(SourceArgument("gateway=logs/kong.log") == SourceArgument("gateway=logs/kong.log"))
        #expect(SourceArgument("ingress=a=b.log")?.path == "a=b.log")
        #expect(SourceArgument("ingress=a.log")?.role == .lb)
        #expect(SourceArgument("firewall=a.log") == nil)
        #expect(SourceArgument("gateway=") == nil)
        #expect(SourceArgument("a.log") == nil)
    }

    @Test func directoryArgumentsPassTheirOptionsToTheirFiles() {
        let table = ["logs/gw/": SourceOptions(role: .gateway), "logs/gw/edge": SourceOptions(role: .waf), "svc.log": SourceOptions(role: .service)]
        #expect(BatchRunner.options(for: "logs/gw/a.log", in: table).role == .gateway)
        #expect(BatchRunner.options(for: "logs/gw/edge/b.log", in: table).role == .waf)
        #expect(BatchRunner.options(for: "svc.log", in: table).role == .service)
        #expect(BatchRunner.options(for: "logs/gwx/c.log", in: table).role == nil)
    }
}
