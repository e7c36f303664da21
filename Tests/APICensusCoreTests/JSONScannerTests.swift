import Testing
@testable import APICensusCore

@Suite struct JSONScannerTests {
    /// Scans `line` with a scanner wanting `paths`; returns nil when the scan fails, else the
    /// values as (kind, text) by path.
    func scan(_ line: String, _ paths: [String]) -> [String: (JSONValue.Kind, String)]? {
        var scanner = JSONScanner(keyPaths: paths)
        return scan(&scanner, Array(line.utf8))
    }

    func scan(_ scanner: inout JSONScanner, _ bytes: [UInt8]) -> [String: (JSONValue.Kind, String)]? {
        bytes.withUnsafeBufferPointer { buf -> [String: (JSONValue.Kind, String)]? in
            guard scanner.scan(buf) else { return nil }
            var result: [String: (JSONValue.Kind, String)] = [:]
            for (i, path) in scanner.keyPaths.enumerated() {
                let v = scanner.value(i)
                if v.kind != .absent { result[path] = (v.kind, v.bytes.text) }
            }
            return result
        }
    }

    func valid(_ line: String) -> Bool { scan(line, ["a"]) != nil }

    @Test func flatValuesOfEveryKind() throws {
        let r = try #require(scan(#"{"s":"x","n":-12.5e3,"t":true,"f":false,"z":null,"o":{"k":1},"a":[1,"]"]}"#,
                                  ["s", "n", "t", "f", "z", "o", "a", "missing"]))
        #expect(r["s"]! == (.string, "x"))
        #expect(r["n"]! == (.number, "-12.5e3"))
        #expect(r["t"]! == (.bool, "true"))
        #expect(r["f"]! == (.bool, "false"))
        #expect(r["z"] == nil)  // null counts as absent
        #expect(r["o"]! == (.object, #"{"k":1}"#))
        #expect(r["a"]! == (.array, #"[1,"]"]"#))
        #expect(r["missing"] == nil)
    }

    @Test func whitespaceAndBOM() throws {
        let r = try #require(scan("\u{FEFF}  {\t\"a\" :  \"1\" , \"b\":2 }  ", ["a", "b"]))
        #expect(r["a"]! == (.string, "1"))
        #expect(r["b"]! == (.number, "2"))
        #expect(scan("{}", ["a"])?.isEmpty == true)
        #expect(scan(" { } ", ["a"])?.isEmpty == true)
    }

    @Test func escapesAreUnescaped() throws {
        let r = try #require(scan(#"{"a":"q\"b\\s\/n\nt\tr\rb\bf\f","u":"\u00e9\u4e2d\u0041","p":"\ud83d\ude00!","plain":"no escapes"}"#,
                                  ["a", "u", "p", "plain"]))
        #expect(r["a"]!.1 == "q\"b\\s/n\nt\tr\rb\u{8}f\u{C}")
        #expect(r["u"]!.1 == "é中A")
        #expect(r["p"]!.1 == "😀!")
        #expect(Array(r["p"]!.1.utf8) == [0xF0, 0x9F, 0x98, 0x80, 0x21])
        #expect(r["plain"]!.1 == "no escapes")
    }

    @Test func loneSurrogatesBecomeReplacementCharacter() throws {
        let r = try #require(scan(#"{"hi":"a\ud83dz","lo":"\ude00","hihi":"\ud83d\ud83d"}"#, ["hi", "lo", "hihi"]))
        #expect(r["hi"]!.1 == "a\u{FFFD}z")
        #expect(r["lo"]!.1 == "\u{FFFD}")
        #expect(r["hihi"]!.1 == "\u{FFFD}\u{FFFD}")
    }

    @Test func nginxDefaultHexEscapes() throws {
        // NGINX without escape=json writes `\x22` for a quote.
        let r = try #require(scan(#"{"ua":"say \x22hi\x22"}"#, ["ua"]))
        #expect(r["ua"]!.1 == "say \"hi\"")
    }

    @Test func badEscapesAreInvalid() {
        #expect(scan(#"{"a":"\q"}"#, ["a"]) == nil)
        #expect(scan(#"{"a":"\u12"}"#, ["a"]) == nil)
        #expect(scan(#"{"a":"\u12G4"}"#, ["a"]) == nil)
        #expect(scan(#"{"a":"\x4"}"#, ["a"]) == nil)
    }

    @Test func manyEscapedValuesInOneLineStayIntact() throws {
        // Several unescaped values share the scratch buffer; none may overwrite another.
        let r = try #require(scan(#"{"a":"1\"","b":"\u00e92","c":"3\\\\","d":"plain"}"#, ["a", "b", "c", "d"]))
        #expect(r["a"]!.1 == "1\"")
        #expect(r["b"]!.1 == "é2")
        #expect(r["c"]!.1 == "3\\\\")
        #expect(r["d"]!.1 == "plain")
    }

    @Test func escapedKeysMatch() throws {
        let r = try #require(scan(#"{"st\u0061tus":200,"x\"y":1}"#, ["status", "x\"y"]))
        #expect(r["status"]! == (.number, "200"))
        #expect(r["x\"y"]! == (.number, "1"))
    }

    @Test func nestedValuesAreSkipped() throws {
        let line = #"{"h":{"x":"}{][","y":[{"z":"\"}"},[[]],{}],"a":"wrong"},"arr":["a","}",{"a":"no"}],"a":"right"}"#
        let r = try #require(scan(line, ["a"]))
        #expect(r["a"]!.1 == "right")
    }

    @Test func nestedKeyPaths() throws {
        let line = #"{"request":{"method":"GET","uri":"/x","headers":{"User-Agent":["curl"]}},"resp":{"a":{"b":{"c":7}}},"status":200}"#
        let r = try #require(scan(line, ["request.method", "request.uri", "resp.a.b.c", "status", "request.headers", "request.nope", "status.x"]))
        #expect(r["request.method"]! == (.string, "GET"))
        #expect(r["request.uri"]! == (.string, "/x"))
        #expect(r["resp.a.b.c"]! == (.number, "7"))
        #expect(r["status"]! == (.number, "200"))
        #expect(r["request.headers"]! == (.object, #"{"User-Agent":["curl"]}"#))
        #expect(r["request.nope"] == nil)
        #expect(r["status.x"] == nil)
    }

    @Test func pathAndParentWantedTogether() throws {
        // `request` as a string (NGINX) and `request.method` as a nested key (Caddy) in one scanner.
        var scanner = JSONScanner(keyPaths: ["request", "request.method"])
        let a = try #require(scan(&scanner, Array(#"{"request":"GET / HTTP/1.1"}"#.utf8)))
        #expect(a["request"]! == (.string, "GET / HTTP/1.1"))
        #expect(a["request.method"] == nil)
        let b = try #require(scan(&scanner, Array(#"{"request":{"method":"PUT"}}"#.utf8)))
        #expect(b["request"]! == (.object, #"{"method":"PUT"}"#))
        #expect(b["request.method"]! == (.string, "PUT"))
    }

    @Test func dottedKeysMatchFlattenedNames() throws {
        let r = try #require(scan(#"{"http.request.method":"GET","http":{"response.status_code":404}}"#,
                                  ["http.request.method", "http.response.status_code"]))
        #expect(r["http.request.method"]!.1 == "GET")
        #expect(r["http.response.status_code"]!.1 == "404")
    }

    @Test func firstNonNullOccurrenceWins() throws {
        let r = try #require(scan(#"{"a":null,"a":"1","a":"2"}"#, ["a"]))
        #expect(r["a"]!.1 == "1")
    }

    @Test func duplicatePathsShareAValue() throws {
        var scanner = JSONScanner(keyPaths: ["a", "b", "a"])
        let r = try #require(scan(&scanner, Array(#"{"a":"x"}"#.utf8)))
        #expect(r["a"]!.1 == "x")
        #expect(scanner.value(2).bytes.text == "x")
    }

    @Test func malformedLinesAreRejected() {
        let bad = [
            "",
            "   ",
            "not json",
            "[1,2]",                                  // array at top level
            "\"string\"",
            "42",
            "null",
            #"{"a":"1""#,                              // truncated
            #"{"a":"1"#,                               // unterminated string
            #"{"a":"1\"}"#,                            // escaped quote leaves it unterminated
            #"{"a":"1"}}"#,                            // unbalanced
            #"{"a":{"b":1}"#,                          // unbalanced nesting
            #"{"a":[1,2}"#,                            // mismatched bracket
            #"{"a":[1,2]]}"#,
            #"{"a":"1"} x"#,                           // trailing garbage
            #"{"a":"1"}{"b":2}"#,                      // two objects
            #"{"a" "1"}"#,                             // missing colon
            #"{"a":}"#,                                // missing value
            #"{"a":1,}"#,                              // trailing comma
            #"{"a":1 "b":2}"#,                         // missing comma
            #"{a:1}"#,                                 // unquoted key
            #"{"a":tru}"#,                             // bad literal
            #"{"a":nul}"#,
            #"{"a":-}"#,                               // bad numbers
            #"{"a":1.}"#,
            #"{"a":1e}"#,
            #"{"a":12x}"#,
            #"{"a":'x'}"#,
            #"{"a":"x" "#,
            #"{"#,
            "{\"a\":\"x\\",
        ]
        for line in bad {
            #expect(!valid(line), "should be rejected: \(line)")
        }
    }

    @Test func validLinesAreAccepted() {
        let good = [
            #"{"a":1}"#,
            #"{"a":[]}"#,
            #"{"a":[[],{},"",0,-0.5,1E+2,true,false,null]}"#,
            #"{"a":{"b":{"c":{}}}}"#,
            #"{"":""}"#,
        ]
        for line in good {
            #expect(valid(line), "should be accepted: \(line)")
        }
    }

    @Test func deepNestingIsBoundedNotCrashing() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(!valid("{\"a\":" + deep + "}"))
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(valid("{\"a\":" + ok + "}"))
    }

    @Test func nonUTF8BytesInsideStrings() throws {
        var scanner = JSONScanner(keyPaths: ["a", "b"])
        var bytes = Array(#"{"a":"x"#.utf8) + [0xFF, 0xC3, 0x28, 0x80] + Array(#"y","b":"\""#.utf8) + [0xFE] + Array(#""}"#.utf8)
        let r = try #require(scan(&scanner, bytes))
        #expect(r["a"] != nil)
        let emptyScan = scanner.scan(Bytes.none)
        #expect(!emptyScan)
        bytes.withUnsafeBufferPointer { buf in
            let ok = scanner.scan(buf)
            #expect(ok)
            #expect(Array(scanner.value(0).bytes) == [0x78, 0xFF, 0xC3, 0x28, 0x80, 0x79])
            #expect(Array(scanner.value(1).bytes) == [0x22, 0xFE])
        }
        // Invalid bytes everywhere, incl. outside strings, must fail cleanly.
        bytes = [0x7B, 0xFF, 0xFE, 0x7D]
        #expect(scan(&scanner, bytes) == nil)
    }

    @Test func longStringsCrossWordBoundaries() throws {
        // Exercise the 8-byte search with quotes/backslashes at every offset.
        for k in 0..<20 {
            let filler = String(repeating: "x", count: k)
            let line = "{\"skip\":\"\(filler)\\\"\(filler)\",\"a\":\"\(filler)\\\\\(filler)\"}"
            let r = try #require(scan(line, ["a"]))
            #expect(r["a"]!.1 == filler + "\\" + filler)
        }
    }

    @Test func scratchGrowsForLongLines() throws {
        var scanner = JSONScanner(keyPaths: ["a", "b"])
        let big = String(repeating: "\\u00e9", count: 5000)
        let r = try #require(scan(&scanner, Array("{\"a\":\"\(big)\",\"b\":\"\(big)\"}".utf8)))
        #expect(r["a"]!.1 == String(repeating: "é", count: 5000))
        #expect(r["b"]!.1 == String(repeating: "é", count: 5000))
        // And keeps working for short lines afterwards.
        #expect(scan(&scanner, Array(#"{"a":"\"x"}"#.utf8))?["a"]!.1 == "\"x")
    }

    @Test func copiesDoNotShareValues() throws {
        var a = JSONScanner(keyPaths: ["k"])
        _ = scan(&a, Array(#"{"k":"\"one"}"#.utf8))
        var b = a
        _ = scan(&b, Array(#"{"k":"\"two"}"#.utf8))
        #expect(a.value(0).bytes.text == "\"one")
        #expect(b.value(0).bytes.text == "\"two")
    }

    @Test func joinedBuildsInScratch() throws {
        var scanner = JSONScanner(keyPaths: ["p", "q"])
        let line = Array(#"{"p":"/a\/b","q":"x=1"}"#.utf8)
        try line.withUnsafeBufferPointer { buf in
            let ok = scanner.scan(buf)
            #expect(ok)
            let joined = scanner.joined(scanner.value(0).bytes, UInt8(ascii: "?"), scanner.value(1).bytes)
            #expect(joined.text == "/a/b?x=1")
            #expect(scanner.value(0).bytes.text == "/a/b")
            _ = try #require(joined.baseAddress)
        }
    }
}
