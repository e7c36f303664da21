import Foundation

/// SplitMix64: small, fast, deterministic; the generator never uses the system RNG.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    @inlinable public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    @inlinable public static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var g = SplitMix64(seed: a ^ (b &* 0xD6E8_FEB8_6659_FD93))
        return g.next()
    }
}

/// Deterministic synthetic traffic for an `APICatalog`: each call picks an endpoint (Zipf-like over a
/// seeded shuffle of the endpoints, after a warm-up that touches every endpoint a few times) and fills
/// every `{param}` with a value drawn Zipf-like (log-uniform rank) from a finite pool whose size is
/// realistic for the kind of parameter: ~20 Kubernetes namespaces with a few apps each, thousands of
/// users, effectively unbounded ids. Pools are virtual: value `k` of a pool is derived from a hash of
/// (seed, pool, k), so nothing is stored and the same value reappears whenever rank `k` is drawn.
public struct APITrafficGenerator {
    public let catalog: APICatalog
    public let seed: UInt64
    /// Calls per endpoint emitted first (in catalog order) so that every endpoint is seen.
    public var warmupPerEndpoint: Int = 3
    var rng: SplitMix64
    var plans: [[Piece]]
    var cumulative: [Double]
    var order: [Int]
    var emitted = 0

    enum Piece { case literal(String); case param(prefix: String, kind: Kind, suffix: String) }

    enum Kind: Hashable {
        case int(pool: Int), uuid, sha, date, email, fileName
        case stripe(prefix: String, length: Int), twilio(prefix: String), countryUpper, currency, words([String])
        case k8sNamespace, k8sObject(collection: String), k8sCluster(collection: String), k8sPath, k8sLogPath
        case username, slug, azureModel, azureClassifier, figure
    }

    public init(catalog: APICatalog, seed: UInt64) {
        self.catalog = catalog
        self.seed = seed
        rng = SplitMix64(seed: seed)
        plans = catalog.endpoints.map { APITrafficGenerator.plan($0, catalog.flavor) }
        // Uneven endpoint frequencies: weight 1/rank^1.05 over a seeded permutation.
        var perm = Array(catalog.endpoints.indices)
        var g = SplitMix64(seed: seed ^ 0x5EED)
        if perm.count > 1 {
            for i in stride(from: perm.count - 1, to: 0, by: -1) {
                let j = Int(g.next() % UInt64(i + 1))
                perm.swapAt(i, j)
            }
        }
        order = perm
        var acc = 0.0
        cumulative = perm.indices.map { r in acc += 1.0 / pow(Double(r + 1), 1.05); return acc }
    }

    /// The next call: method and concrete origin-form path.
    public mutating func next() -> (method: String, path: String) {
        let idx: Int
        let warm = warmupPerEndpoint * plans.count
        if emitted < warm {
            idx = emitted % plans.count
        } else {
            let u = rng.unit() * (cumulative.last ?? 1)
            var lo = 0, hi = cumulative.count - 1
            while lo < hi { let m = (lo + hi) / 2; if cumulative[m] < u { lo = m + 1 } else { hi = m } }
            idx = order[lo]
        }
        emitted += 1
        return (catalog.endpoints[idx].method, render(plans[idx]))
    }

    // MARK: rendering

    mutating func render(_ plan: [Piece]) -> String {
        var out = ""
        var namespace = -1
        for p in plan {
            out += "/"
            switch p {
            case .literal(let s): out += s
            case .param(let prefix, let kind, let suffix):
                out += prefix
                if case .k8sNamespace = kind {
                    namespace = rank(APITrafficGenerator.namespaces.count)
                    out += APITrafficGenerator.namespaces[namespace]
                } else {
                    out += value(kind, namespace: namespace)
                }
                out += suffix
            }
        }
        return out.isEmpty ? "/" : out
    }

    /// Zipf-like rank in 0..<n: log-uniform, so rank k has probability ∝ ~1/(k+1).
    mutating func rank(_ n: Int) -> Int {
        if n <= 1 { return 0 }
        let r = Int(exp(rng.unit() * log(Double(n) + 1))) - 1
        return min(max(r, 0), n - 1)
    }

    /// A random generator derived from (seed, pool, k): the k-th value of a pool.
    func g(_ pool: String, _ k: Int) -> SplitMix64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in pool.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return SplitMix64(seed: SplitMix64.mix(seed ^ h, UInt64(k)))
    }

    static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    static let hexd = Array("0123456789abcdef")
    static let alnumLower = Array("bcdfghjklmnpqrstvwxz2456789")

    static func rand(_ g: inout SplitMix64, _ alphabet: [Character], _ n: Int) -> String {
        var s = ""
        s.reserveCapacity(n)
        for _ in 0..<n { s.append(alphabet[Int(g.next() % UInt64(alphabet.count))]) }
        return s
    }

    mutating func value(_ kind: Kind, namespace: Int) -> String {
        typealias T = APITrafficGenerator
        switch kind {
        case .int(let pool):
            let k = rank(pool)
            var r = g("int\(pool)", k)
            return String(1 + r.next() % UInt64(pool * 10))
        case .uuid:
            var r = g("uuid", rank(5_000_000))
            let h = T.rand(&r, T.hexd, 32)
            let c = Array(h)
            return String(c[0..<8]) + "-" + String(c[8..<12]) + "-4" + String(c[13..<16]) + "-a" + String(c[17..<20]) + "-" + String(c[20..<32])
        case .sha:
            var r = g("sha", rank(1_000_000))
            return T.rand(&r, T.hexd, 40)
        case .date:
            var r = g("date", rank(1000))
            let d = Int(r.next() % 1000)
            let y = 2023 + d / 365, doy = d % 365, m = doy / 31 + 1, day = doy % 28 + 1
            return String(format: "%04d-%02d-%02d", y, min(m, 12), day)
        case .email:
            return value(.username, namespace: namespace) + "@" + ["example.com", "mail.test", "corp.example"][rank(3)]
        case .fileName:
            var r = g("file", rank(20_000))
            let stem = T.words[Int(r.next() % UInt64(T.words.count))]
            return "\(stem)-\(r.next() % 1000).\(["pdf", "png", "csv", "txt", "jpg"][Int(r.next() % 5)])"
        case .stripe(let prefix, let length):
            var r = g("stripe" + prefix, rank(2_000_000))
            return prefix + T.rand(&r, T.base62, length)
        case .twilio(let prefix):
            var r = g("tw" + prefix, rank(prefix == "AC" ? 300 : 2_000_000))
            return prefix + T.rand(&r, T.hexd, 32)
        case .countryUpper:
            return T.countries[rank(T.countries.count)]
        case .currency:
            return T.currencies[rank(T.currencies.count)]
        case .words(let list):
            return list[rank(list.count)]
        case .k8sNamespace:
            return T.namespaces[rank(T.namespaces.count)]
        case .k8sObject(let collection):
            return k8sObjectName(collection, namespace: max(namespace, 0))
        case .k8sCluster(let collection):
            return k8sClusterName(collection)
        case .k8sPath:
            let k = rank(400)
            if k < T.proxyPaths.count { return T.proxyPaths[k] }
            var r = g("proxy", k)
            return "api-\(r.next() % 100)-\(T.rand(&r, T.alnumLower, 5))"
        case .k8sLogPath:
            let k = rank(300)
            var r = g("log", k)
            return ["kube-apiserver", "kubelet", "containerd", "syslog", "audit"][k % 5] + ".log.\(1 + r.next() % 60)"
        case .username:
            let k = rank(5000)
            var r = g("user", k)
            let a = T.firstNames[Int(r.next() % UInt64(T.firstNames.count))]
            let b = T.lastNames[Int(r.next() % UInt64(T.lastNames.count))]
            switch r.next() % 4 {
            case 0: return a + b
            case 1: return a + "_" + b
            case 2: return a.prefix(1) + b + String(r.next() % 100)
            default: return a + String(r.next() % 1000)
            }
        case .slug:
            var r = g("slug", rank(50_000))
            return T.words[Int(r.next() % UInt64(T.words.count))] + "-" + T.words[Int(r.next() % UInt64(T.words.count))]
        case .azureModel:
            let k = rank(60)
            if k < T.prebuiltModels.count { return T.prebuiltModels[k] }
            var r = g("model", k)
            return T.words[Int(r.next() % UInt64(T.words.count))] + "-model-" + String(2020 + r.next() % 6)
        case .azureClassifier:
            var r = g("classifier", rank(40))
            return T.words[Int(r.next() % UInt64(T.words.count))] + "-classifier-" + String(r.next() % 20 + 1)
        case .figure:
            var r = g("figure", rank(200))
            return "\(r.next() % 30 + 1).\(r.next() % 9 + 1)"
        }
    }

    mutating func k8sObjectName(_ collection: String, namespace ns: Int) -> String {
        typealias T = APITrafficGenerator
        // Each namespace runs its own handful of apps (3–12), databases and jobs.
        var nr = g("ns-apps", ns)
        let appCount = 3 + Int(nr.next() % 10)
        let nsWord = T.namespaces[ns].split(separator: "-").first.map(String.init) ?? "app"
        let appIdx = rank(appCount)
        var ar = g("ns-app\(ns)", appIdx)
        let base = T.appWords[Int(ar.next() % UInt64(T.appWords.count))]
        let app = ar.next() % 3 == 0 ? "\(nsWord)-\(base)" : base
        let db = T.databases[(ns + rank(3)) % T.databases.count]
        var r = g("obj\(collection)\(ns)", rank(100_000))
        let rsHash = T.rand(&ar, T.alnumLower, 10)
        switch collection {
        case "pods":
            if r.next() % 5 == 0 { return "\(db)-\(r.next() % 3)" }
            return "\(app)-\(rsHash)-\(T.rand(&r, T.alnumLower, 5))"
        case "replicasets": return "\(app)-\(rsHash)"
        case "statefulsets": return db
        case "daemonsets": return T.daemonsets[(ns + rank(4)) % T.daemonsets.count]
        case "controllerrevisions": return "\(db)-\(T.rand(&r, T.alnumLower, 10))"
        case "configmaps": return r.next() % 4 == 0 ? "kube-root-ca.crt" : "\(app)-config"
        case "secrets": return r.next() % 2 == 0 ? "\(app)-tls" : "\(app)-token-\(T.rand(&r, T.alnumLower, 5))"
        case "events": return "\(app)-\(rsHash)-\(T.rand(&r, T.alnumLower, 5)).\(T.rand(&r, T.hexd, 16))"
        case "jobs": return "\(app)-migrate-\(28_000_000 + r.next() % 100_000)"
        case "cronjobs": return "\(app)-\(["backup", "report", "cleanup"][Int(r.next() % 3)])"
        case "persistentvolumeclaims": return "data-\(db)-\(r.next() % 3)"
        case "endpointslices": return "\(app)-\(T.rand(&r, T.alnumLower, 5))"
        case "leases": return "\(app)-leader-\(T.rand(&r, T.alnumLower, 4))\(r.next() % 10)"
        case "roles", "rolebindings": return "\(app)-\(collection == "roles" ? "role" : "binding")"
        case "limitranges", "resourcequotas": return "\(nsWord)-\(collection == "limitranges" ? "limits" : "quota")-\(r.next() % 4)"
        case "podtemplates": return "\(app)-template"
        case "csistoragecapacities": return "csisc-\(T.rand(&r, T.alnumLower, 5))"
        default: return app  // deployments, services, endpoints, serviceaccounts, ingresses, hpa, pdb, ...
        }
    }

    mutating func k8sClusterName(_ collection: String) -> String {
        typealias T = APITrafficGenerator
        var r = g("cl" + collection, rank(100_000))
        switch collection {
        case "nodes", "csinodes":
            var nr = g("node", rank(60))
            return "ip-10-0-\(nr.next() % 16)-\(nr.next() % 250 + 2).ec2.internal"
        case "namespaces": return T.namespaces[rank(T.namespaces.count)]
        case "persistentvolumes": return "pvc-" + value(.uuid, namespace: 0)
        case "certificatesigningrequests": return "csr-\(T.rand(&r, T.alnumLower, 5))"
        case "volumeattachments": return "csi-" + T.rand(&r, T.hexd, 64)
        case "clusterroles", "clusterrolebindings":
            let k = rank(80)
            if k < T.clusterRoles.count { return T.clusterRoles[k] }
            var q = g("crole", k)
            return "system-" + T.appWords[Int(q.next() % UInt64(T.appWords.count))] + "-" + T.roleWords[Int(q.next() % UInt64(T.roleWords.count))]
        case "customresourcedefinitions":
            var q = g("crd", rank(60))
            return T.appWords[Int(q.next() % UInt64(T.appWords.count))] + "s." + ["cert-manager.io", "monitoring.coreos.com", "argoproj.io", "example.com"][Int(q.next() % 4)]
        case "apiservices":
            var q = g("apisvc", rank(40))
            return ["v1", "v1beta1", "v2", "v1alpha1"][Int(q.next() % 4)] + "." + T.appWords[Int(q.next() % UInt64(T.appWords.count))] + ".k8s.io"
        case "storageversions":
            var q = g("sv", rank(50))
            return ["apps", "batch", "core", "policy"][Int(q.next() % 4)] + "." + T.appWords[Int(q.next() % UInt64(T.appWords.count))] + "s"
        default:
            let list = T.clusterWords[collection] ?? T.genericClusterWords
            return list[rank(list.count)]
        }
    }

    // MARK: planning

    static func plan(_ ep: APIEndpoint, _ flavor: APIFlavor) -> [Piece] {
        let segs = ep.segments
        var pieces: [Piece] = []
        for (i, seg) in segs.enumerated() {
            guard let open = seg.firstIndex(of: "{"), let close = seg.firstIndex(of: "}") else {
                pieces.append(.literal(seg)); continue
            }
            let prefix = String(seg[..<open])
            let name = String(seg[seg.index(after: open)..<close])
            let suffix = String(seg[seg.index(after: close)...])
            var prev = ""
            var j = i - 1
            while j >= 0 { if !segs[j].contains("{") { prev = segs[j]; break }; j -= 1 }
            pieces.append(.param(prefix: prefix, kind: kind(name, prev: prev, flavor: flavor), suffix: suffix))
        }
        return pieces
    }

    static func kind(_ name: String, prev: String, flavor: APIFlavor) -> Kind {
        let lname = name.lowercased()
        switch flavor {
        case .kubernetes:
            if name == "namespace" || (name == "name" && prev == "namespaces") { return .k8sNamespace }
            if name == "path" { return .k8sPath }
            if name == "logpath" { return .k8sLogPath }
            return namespacedK8s.contains(prev) ? .k8sObject(collection: prev) : .k8sCluster(collection: prev)
        case .twilio:
            if name == "CountryCode" { return .countryUpper }
            if name == "Sid" || name == "PayloadSid" {
                let p = twilioPrefixes[prev] ?? String(prev.prefix(2)).uppercased()
                return .twilio(prefix: p)
            }
            let base = name.hasSuffix("Sid") ? String(name.dropLast(3)) : name
            return .twilio(prefix: twilioNamePrefixes[base] ?? String(base.prefix(2)).uppercased())
        case .stripe:
            switch name {
            case "country": return .countryUpper
            case "rate_id": return .currency
            case "capability": return .words(stripeCapabilities)
            case "report_type": return .words(stripeReportTypes)
            case "domain": return .slug
            default: break
            }
            let key = name == "id" ? prev : name
            let long = ["charge", "charges", "intent", "payment_intents", "setup_intents", "payment_method", "refund",
                        "refunds", "token", "transaction", "history", "balance_transactions", "events"]
            return .stripe(prefix: stripePrefix(key, prev: prev), length: long.contains(key) ? 24 : 14)
        case .azure:
            if lname == "modelid" { return .azureModel }
            if lname == "classifierid" { return .azureClassifier }
            if lname == "figureid" { return .figure }
            return .uuid
        case .petstore:
            if lname == "username" { return .username }
            return .int(pool: 100_000)
        case .slack, .generic:
            if lname.contains("uuid") { return .uuid }
            if lname.contains("sha") || lname.contains("commit") { return .sha }
            if lname.contains("date") { return .date }
            if lname.contains("email") { return .email }
            if lname.contains("user") || lname.contains("owner") || lname.contains("login") { return .username }
            if lname.contains("file") { return .fileName }
            if lname.contains("slug") || lname.contains("name") || lname.contains("repo") { return .slug }
            return .int(pool: 1_000_000)
        }
    }

    static func stripePrefix(_ key: String, prev: String) -> String {
        let map: [String: String] = [
            "account": "acct_", "accounts": "acct_", "customer": "cus_", "customers": "cus_", "charge": "ch_", "charges": "ch_",
            "invoice": "in_", "invoices": "in_", "intent": prev == "setup_intents" ? "seti_" : "pi_", "payment_method": "pm_",
            "refund": "re_", "refunds": "re_", "dispute": "dp_", "payout": "po_", "plan": "plan_", "price": "price_",
            "products": "prod_", "coupon": "co_", "session": "cs_", "subscription": "sub_", "subscription_exposed_id": "sub_",
            "quote": "qt_", "review": "prv_", "source": "src_", "transfer": "tr_", "topup": "tu_", "token": "tok_",
            "webhook_endpoint": "we_", "tax_rate": "txr_", "file": "file_", "link": "link_", "mandate": "mandate_",
            "item": "si_", "subscription_item": "si_", "schedule": "sub_sched_", "report_run": "frr_", "person": "person_",
            "key": "ephkey_", "fee": "fee_", "application_fees": "fee_", "bank_accounts": "ba_", "external_accounts": "ba_",
            "cards": "card_", "sources": "src_", "tax_ids": "txi_", "history": "txn_", "balance_transactions": "txn_",
            "events": "evt_", "credit_notes": "cn_", "tax_codes": "txcd_", "transaction": "txn_", "settlement": "ise_",
            "card": "ic_", "cardholder": "ich_", "authorization": "iauth_", "location": "tml_", "reader": "tmr_",
            "configuration": "bpc_", "payment_link": "plink_", "promotion_code": "promo_", "test_clock": "clock_",
            "calculation": "taxcalc_", "credit_note": "cn_", "invoiceitem": "ii_", "early_fraud_warning": "issfr_",
            "value_list": "rsl_", "report": "vr_", "scheduled_query_run": "sqr_", "shipping_rate_token": "shr_",
            "mandate_notification": "mn_", "source_transaction": "srctxn_", "financial_account": "fa_",
            "inbound_transfer": "ibt_", "outbound_transfer": "obt_", "credit_reversal": "credrev_",
            "debit_reversal": "debrev_", "payment_method_domain": "pmd_", "inbound_transfers": "ibt_",
            "outbound_payments": "obp_", "received_credits": "rc_", "received_debits": "rd_", "transaction_entries": "trxne_",
            "transactions": "trxn_",
        ]
        if let p = map[key] { return p }
        return String(key.replacingOccurrences(of: "_", with: "").prefix(4)) + "_"
    }

    // MARK: value vocabularies

    static let namespaces = ["default", "kube-system", "kube-public", "kube-node-lease", "monitoring", "logging",
                             "ingress-nginx", "cert-manager", "payments-prod", "payments-staging", "checkout",
                             "web", "data", "ml-serving", "argocd", "istio-system", "vault", "team-a", "team-b", "ci"]
    static let appWords = ["api", "web", "frontend", "backend", "gateway", "auth", "billing", "ledger", "search",
                           "catalog", "cart", "orders", "inventory", "shipping", "notifier", "mailer", "worker",
                           "scheduler", "reports", "analytics", "metrics", "grafana", "prometheus", "alertmanager",
                           "loki", "tempo", "jaeger", "coredns", "nginx", "envoy", "keycloak", "minio", "vault",
                           "consul", "registry", "runner", "builder", "webhook", "admin", "portal", "images",
                           "thumbnailer", "pricing", "fraud", "risk", "kyc", "accounts", "users", "profile",
                           "feed", "chat", "presence", "uploads", "exporter", "importer", "sync", "cron", "etl"]
    static let databases = ["postgres", "redis", "kafka", "zookeeper", "mysql", "elasticsearch", "rabbitmq", "mongodb",
                            "cassandra", "etcd"]
    static let daemonsets = ["fluent-bit", "node-exporter", "kube-proxy", "calico-node", "aws-node", "ebs-csi-node",
                             "datadog-agent"]
    static let proxyPaths = ["metrics", "healthz", "readyz", "livez", "version", "status", "index.html", "debug"]
    static let clusterRoles = ["admin", "edit", "view", "cluster-admin", "system-node", "system-kube-scheduler",
                               "system-kube-controller-manager", "system-discovery", "system-basic-user"]
    static let roleWords = ["reader", "writer", "controller", "operator", "viewer", "manager", "binding"]
    static let genericClusterWords = ["standard", "default", "fast", "slow", "premium", "system", "high", "low"]
    static let clusterWords: [String: [String]] = [
        "storageclasses": ["gp2", "gp3", "standard", "premium-rwo", "io2-fast"],
        "priorityclasses": ["system-cluster-critical", "system-node-critical", "high-priority", "low-priority",
                            "batch-preemptible"],
        "csidrivers": ["ebs.csi.aws.com", "efs.csi.aws.com", "secrets-store.csi.k8s.io"],
        "runtimeclasses": ["runc", "gvisor", "kata"],
        "ingressclasses": ["nginx", "alb", "traefik"],
        "componentstatuses": ["scheduler", "controller-manager", "etcd-0", "etcd-1"],
        "flowschemas": ["exempt", "probes", "system-leader-election", "endpoint-controller", "workload-leader-election",
                        "system-nodes", "kube-controller-manager", "kube-scheduler", "kube-system-service-accounts",
                        "service-accounts", "global-default", "catch-all"],
        "prioritylevelconfigurations": ["exempt", "system", "node-high", "leader-election", "workload-high",
                                        "workload-low", "global-default", "catch-all"],
        "mutatingwebhookconfigurations": ["cert-manager-webhook", "istio-sidecar-injector", "vault-agent-injector",
                                          "aws-load-balancer-webhook"],
        "validatingwebhookconfigurations": ["cert-manager-webhook", "istio-validator", "ingress-nginx-admission",
                                            "gatekeeper-validating-webhook"],
        "validatingadmissionpolicies": ["deny-privileged", "require-labels"],
        "validatingadmissionpolicybindings": ["deny-privileged-binding", "require-labels-binding"],
        "podsecuritypolicies": ["restricted", "privileged"],
    ]
    static let namespacedK8s: Set<String> = [
        "pods", "services", "endpoints", "configmaps", "secrets", "serviceaccounts", "events", "limitranges",
        "resourcequotas", "persistentvolumeclaims", "podtemplates", "replicationcontrollers", "deployments",
        "daemonsets", "statefulsets", "replicasets", "controllerrevisions", "jobs", "cronjobs",
        "horizontalpodautoscalers", "poddisruptionbudgets", "networkpolicies", "ingresses", "roles", "rolebindings",
        "leases", "endpointslices", "csistoragecapacities", "bindings",
    ]
    static let twilioPrefixes: [String: String] = [
        "Accounts": "AC", "Calls": "CA", "Messages": "SM", "Recordings": "RE", "Conferences": "CF", "Queues": "QU",
        "Addresses": "AD", "Applications": "AP", "IncomingPhoneNumbers": "PN", "Keys": "SK", "Media": "ME",
        "Notifications": "NO", "OutgoingCallerIds": "PN", "Transcriptions": "TR", "Triggers": "UT", "Domains": "SD",
        "CredentialLists": "CL", "Credentials": "CR", "IpAccessControlLists": "AL", "IpAddresses": "IP",
        "ShortCodes": "SC", "SigningKeys": "SK", "ConnectApps": "CN", "AuthorizedConnectApps": "CN",
        "Participants": "CA", "Members": "CA", "AddOnResults": "XR", "Payloads": "XH", "Payments": "PK",
        "Siprec": "SR", "Streams": "MZ", "UserDefinedMessageSubscriptions": "ZY", "Extensions": "XF",
        "AssignedAddOns": "XE", "CredentialListMappings": "CL", "IpAccessControlListMappings": "AL",
    ]
    static let twilioNamePrefixes: [String: String] = [
        "Account": "AC", "Call": "CA", "Message": "MM", "Conference": "CF", "Queue": "QU", "Recording": "RE",
        "Reference": "RE", "Address": "AD", "Resource": "PN", "AssignedAddOn": "XE", "AddOnResult": "XR",
        "Payload": "XH", "CredentialList": "CL", "Domain": "SD", "IpAccessControlList": "AL", "ConnectApp": "CN",
    ]
    static let countries = ["US", "GB", "CA", "AU", "DE", "FR", "ES", "IT", "NL", "SE", "NO", "DK", "FI", "IE", "PL",
                            "PT", "BE", "AT", "CH", "JP", "SG", "HK", "NZ", "BR", "MX", "IN", "ZA", "IL", "CZ", "RO"]
    static let currencies = ["usd", "eur", "gbp", "cad", "aud", "jpy", "chf", "sek", "nok", "dkk", "pln", "czk",
                             "huf", "ron", "bgn", "nzd", "sgd", "hkd", "mxn", "brl", "inr", "zar", "ils", "try"]
    static let stripeCapabilities = ["card_payments", "transfers", "us_bank_account_ach_payments", "sepa_debit_payments",
                                     "bancontact_payments", "ideal_payments", "link_payments", "klarna_payments",
                                     "afterpay_clearpay_payments", "tax_reporting_us_1099_k", "card_issuing",
                                     "treasury", "legacy_payments", "giropay_payments", "sofort_payments"]
    static let stripeReportTypes = ["balance.summary.1", "balance_change_from_activity.itemized.3",
                                    "payouts.summary.1", "payouts.itemized.3", "payout_reconciliation.itemized.5",
                                    "ending_balance_reconciliation.summary.1", "activity.itemized.2",
                                    "connected_account_balance.summary.1", "tax.transactions.itemized.2"]
    static let prebuiltModels = ["prebuilt-invoice", "prebuilt-receipt", "prebuilt-layout", "prebuilt-read",
                                 "prebuilt-idDocument", "prebuilt-businessCard", "prebuilt-tax.us.w2",
                                 "prebuilt-healthInsuranceCard.us", "prebuilt-contract", "prebuilt-check.us",
                                 "prebuilt-bankStatement.us", "prebuilt-payStub.us", "prebuilt-creditCard",
                                 "prebuilt-marriageCertificate.us", "prebuilt-mortgage.us.1003"]
    static let words = ["alpha", "bravo", "report", "invoice", "summary", "budget", "roadmap", "notes", "draft",
                        "final", "photo", "scan", "export", "backup", "contract", "receipt", "statement", "payroll",
                        "forecast", "design", "spec", "memo", "agenda", "minutes", "proposal", "quote", "order",
                        "shipment", "claim", "policy", "form", "letter", "brochure", "poster", "slide", "chart"]
    static let firstNames = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
                             "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter",
                             "xena", "yusuf", "zoe", "maria", "jose", "wei", "li", "anna", "omar", "fatima", "sven"]
    static let lastNames = ["smith", "jones", "garcia", "miller", "davis", "lopez", "wilson", "anderson", "thomas",
                            "taylor", "moore", "martin", "lee", "perez", "white", "harris", "clark", "lewis", "walker",
                            "young", "king", "wright", "scott", "green", "baker", "adams", "nelson", "hill", "campbell"]
}
