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
          brokers: [localhost:9092, localhost:9093]
          group: census
          from: latest
          properties:
            security.protocol: SASL_SSL
            sasl.password: env:KAFKA_PASSWORD
            ssl.key.password: file:secrets/key-password
            fetch.max.bytes: 52428800
            enable.partition.eof: false
          topics:
            - gateway-logs
            - name: kong-logs
              format: kong
              role: gateway
            - name: edge
              log_format: 'nginx:$remote_addr [$time_local] "$request" $status $host $geo_country'
              role: waf
              host: Edge.Example.com
              envelope: none
              field_map: method=verb
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
        #expect(c.kafka?.line == 27)
        #expect(c.sectionLines["sources"] == 2 && c.sectionLines["kafka"] == 27)
    }

    /// One file for both commands: the kafka section is read with the coverage sections, typed and
    /// checked, with its property values kept as written (the consumer resolves env: and file:).
    @Test func readsTheKafkaSectionWithTheCoverageSections() throws {
        let c = try ConfigFile.parse(Self.full, path: "/etc/apicensus/config.yaml")
        let kafka = try #require(c.kafka)
        #expect(kafka.brokers == "localhost:9092,localhost:9093")
        #expect(kafka.group == "census" && kafka.from == "latest")
        #expect(kafka.properties.map(\.name) == ["security.protocol", "sasl.password", "ssl.key.password", "fetch.max.bytes", "enable.partition.eof"])
        #expect(kafka.properties[1].value == "env:KAFKA_PASSWORD")
        #expect(kafka.properties[2].value == "file:/etc/apicensus/secrets/key-password")
        #expect(kafka.properties[3].value == "52428800" && kafka.properties[4].value == "false")
        #expect(kafka.properties[1].line == 33)
        #expect(kafka.topics.map(\.name) == ["gateway-logs", "kong-logs", "edge"])
        #expect(kafka.topics[0].format == nil && kafka.topics[0].role == nil && kafka.topics[0].customFormat == nil)
        #expect(kafka.topics[1].format == .kong && kafka.topics[1].role == .gateway)
        let edge = kafka.topics[2]
        #expect(edge.role == .waf && edge.host == "edge.example.com" && edge.envelope == ConfigFile.Kafka.Envelope.none)
        #expect(edge.customFormat?.dialect == .nginx)
        #expect(edge.customFormat?.yields.contains(.host) == true)
        #expect(edge.fieldMap == (try FieldMap(parsing: "method=verb")))
        // The unknown variable is named with the file, the line and the key, as --log-format names it.
        #expect(c.warnings.map(\.description) == ["/etc/apicensus/config.yaml:43: kafka.topics[2].log_format: read as opaque fields (not known to APICensus): $geo_country"])
        #expect(c.warnings.map(\.section) == ["kafka"])
        // The shared sections are there for consume as for batch.
        #expect(c.coverage.gatewayNetworks.contains(IPAddress.parse("10.9.1.1")!))
        #expect(c.coverage.apiKeyHeaders.patterns == ["X-API-Key"])
        #expect(c.routes.match(host: "any", typedPath: "/api/dog/{int}") == "/api/dog/{id}")
        #expect(c.specPaths.count == 2 && c.rulesPath != nil)
    }

    /// `log_format` per source, compiled as `--log-format` is: detected with the other formats, or
    /// forced with `format: custom`.
    @Test func sourcesTakeTheirOwnCustomFormat() throws {
        let yaml = """
            sources:
              - path: edge/
                role: lb
                log_format: 'apache:%h %l %u %t \\"%r\\" %>s %b %{Host}i %{X-Geo}e'
              - path: svc.log
                format: custom
                log_format: >-
                  nginx:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent $host
            """
        let c = try ConfigFile.parse(yaml, path: "cfg/c.yaml")
        #expect(c.sources.map(\.path) == ["cfg/edge/", "cfg/svc.log"])
        let apache = try #require(c.sources[0].options.customFormat)
        #expect(apache.dialect == .apache && apache.variables.contains("%{Host}i"))
        #expect(c.sources[0].options.format == nil)
        let nginx = try #require(c.sources[1].options.customFormat)
        #expect(nginx.dialect == .nginx && c.sources[1].options.format == .custom)
        #expect(nginx == (try CustomFormat.compile("nginx:$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent $host")))
        #expect(c.warnings.isEmpty, "\(c.warnings)")
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
        ("sources:\n  - path: a.log\n    log_format: '$remote_addr \"$request\"'\n", 3, "sources[0].log_format", "starts with nginx: or apache:"),
        ("sources:\n  - path: a.log\n    log_format: 'nginx:$remote_addr $status'\n", 3, "sources[0].log_format", "logs no request"),
        ("sources:\n  - path: a.log\n    format: custom\n", 3, "sources[0].format", "format custom needs log_format"),
        ("kafka:\n  brokers: b:9092\n  groups: g\n", 3, "kafka.groups", "unknown key 'groups'"),
        ("kafka:\n  from: middle\n", 2, "kafka.from", "earliest or latest"),
        ("kafka:\n  topics: []\n", 2, "kafka.topics", "at least one topic"),
        ("kafka:\n  topics:\n    - name: t\n      role: router\n", 4, "kafka.topics[0].role", "unknown role 'router'"),
        ("kafka:\n  topics:\n    - name: t\n      envelope: sometimes\n", 4, "kafka.topics[0].envelope", "auto or none"),
        ("kafka:\n  topics:\n    - name: t\n      format: nginx-ish\n", 4, "kafka.topics[0].format", "unknown format 'nginx-ish'"),
        ("kafka:\n  topics:\n    - name: t\n      log_format: 'apache:%h %Z'\n", 4, "kafka.topics[0].log_format", "%Z"),
        ("kafka:\n  topics:\n    - name: t\n      format: custom\n", 4, "kafka.topics[0].format", "format custom needs log_format"),
        ("kafka:\n  topics:\n    - format: json\n", 3, "kafka.topics[0].name", "a topic needs a name"),
        ("kafka:\n  topics:\n    - name: t\n      partition: 3\n", 4, "kafka.topics[0].partition", "unknown key 'partition'"),
        ("kafka:\n  properties:\n    sasl.password: [a, b]\n", 3, "kafka.properties.sasl.password", "must be a single value"),
        ("kafka:\n  topics:\n    - name: t\n      field_map: nonsense\n", 4, "kafka.topics[0].field_map", "has no '='"),
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
