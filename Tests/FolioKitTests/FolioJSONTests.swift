import Foundation
import Testing
@testable import FolioKit

/// The one JSON style folio prints: snake_case field names, data keys as written, ISO 8601 dates.
@Suite struct FolioJSONTests {
    @Test(arguments: [
        ("successRate", "success_rate"), ("eventID", "event_id"), ("oldID", "old_id"), ("URLPath", "url_path"),
        ("checkedEveryFile", "checked_every_file"), ("v2Name", "v2_name"), ("estimated_tokens", "estimated_tokens"), ("id", "id"),
    ])
    func fieldNamesBecomeSnakeCase(_ name: String, _ expected: String) {
        #expect(FolioJSON.snakeCase(name) == expected)
    }

    struct Sample: Encodable {
        let firstUsed: Date
        let metadata: Value
        let byName: [String: Int]
    }

    /// Names chosen at run time, encoded through a keyed container with a key struct (as Foundation encodes a
    /// dictionary on platforms where dictionaries go through the key strategy).
    struct Names: Encodable {
        struct DataKey: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        let names: [String]
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: DataKey.self)
            for name in names { try container.encode(true, forKey: DataKey(stringValue: name)) }
        }
    }

    @Test func keysMadeAtRunTimeStay() throws {
        struct Wrapper: Encodable { let givenNames: Names }
        let text = String(decoding: try FolioJSON.encoder(pretty: false).encode(Wrapper(givenNames: Names(names: ["ticketId"]))), as: UTF8.self)
        #expect(text == #"{"given_names":{"ticketId":true}}"#)
    }

    @Test func dataKeysStayAndDatesAreISO8601() throws {
        let sample = Sample(firstUsed: Date(timeIntervalSince1970: 1_763_985_600.75),
                            metadata: .map([Value.Entry("ownerTeam", .map([Value.Entry("leadName", .string("Ada"))]))]),
                            byName: ["ticketId": 1])
        let text = String(decoding: try FolioJSON.encoder(pretty: false).encode(sample), as: UTF8.self)
        #expect(text == #"{"by_name":{"ticketId":1},"first_used":"2025-11-24T12:00:00Z","metadata":{"ownerTeam":{"leadName":"Ada"}}}"#)
    }
}
