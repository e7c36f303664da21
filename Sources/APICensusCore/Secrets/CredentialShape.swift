/// Whether a bare value — a header captured without its name, so known only by its shape — is a
/// credential. Parsers that sort unnamed values by shape (HAProxy's captured headers) ask here first,
/// so that a secret is kept as a credential (classified, never written out) and never lands in a
/// field the report prints (the host) or that is not meant to hold secrets (the user agent).
///
/// The shapes are the ones the rest of the tool treats as secrets: a JWT as `CallClassifier` reads
/// it, and the long mixed token `Redactor` masks in samples.
public enum CredentialShape: Equatable, Sendable {
    /// `eyJ…` and two or four more dot-separated base64url segments (JWS or JWE).
    case jwt
    /// Standard base64 of printable `user:password` text: an HTTP Basic credential without its scheme.
    case basic
    /// A long opaque token (API key, session id, signature): at least `tokenMinimumLength` token
    /// characters (letters, digits, `-_+/=.`), with both letters and digits.
    case token

    /// The length from which a run of token characters mixing letters and digits counts as a secret
    /// (the Redactor masks such runs in samples).
    public static let tokenMinimumLength = 16

    /// The credential shape of `v`, or nil when it does not look like one.
    public static func of(_ v: Bytes) -> CredentialShape? {
        if isJWT(v) { return .jwt }
        if isBasicCredential(v) { return .basic }
        if isOpaqueToken(v) { return .token }
        return nil
    }

    public static func isJWT(_ token: Bytes) -> Bool {
        guard token.count >= 10, token[0] == UInt8(ascii: "e"), token[1] == UInt8(ascii: "y"), token[2] == UInt8(ascii: "J") else { return false }
        var dots = 0
        for b in token {
            if b == UInt8(ascii: ".") { dots += 1; continue }
            if !Base64URL.isAlphabet(b) { return false }
        }
        return dots == 2 || dots == 4
    }

    /// Padded standard base64 whose decoded text is printable ASCII with a `:` after a non-empty user
    /// name. Nothing decoded is kept.
    public static func isBasicCredential(_ v: Bytes) -> Bool {
        guard v.count >= 8, v.count <= 1024, v.count % 4 == 0 else { return false }
        var acc: UInt32 = 0, bits = 0, decoded = 0, colonAt = -1, padding = 0
        for b in v {
            if b == UInt8(ascii: "=") { padding += 1; continue }
            let d = Base64.values[Int(b)]
            guard d != 0xFF, padding == 0 else { return false }
            acc = acc << 6 | UInt32(d)
            bits += 6
            if bits >= 8 {
                bits -= 8
                let c = UInt8(truncatingIfNeeded: acc >> UInt32(bits))
                guard c >= 0x20, c < 0x7F else { return false }
                if c == UInt8(ascii: ":"), colonAt < 0 { colonAt = decoded }
                decoded += 1
            }
        }
        return padding <= 2 && colonAt > 0
    }

    /// `Redactor`'s long-token rule on a whole value: token characters only (and `=` padding), at least
    /// `tokenMinimumLength` of them, letters and digits both present. A canonical UUID is not one: it
    /// is what request-id headers carry.
    public static func isOpaqueToken(_ v: Bytes) -> Bool {
        guard v.count >= tokenMinimumLength, !isUUID(v) else { return false }
        var digits = 0, letters = 0
        for b in v {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): letters += 1
            case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "="): continue
            default: return false
            }
        }
        return digits > 0 && letters > 0
    }

    /// `3bbc0252-2d5c-49fe-bd89-104e9b61770b`.
    static func isUUID(_ v: Bytes) -> Bool {
        guard v.count == 36 else { return false }
        for (i, b) in v.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard b == UInt8(ascii: "-") else { return false }
            } else {
                guard b &- 48 < 10 || (b | 0x20) &- 97 < 6 else { return false }
            }
        }
        return true
    }
}
