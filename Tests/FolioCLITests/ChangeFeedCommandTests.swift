import Foundation
import Testing
import TestSupport
@testable import FolioCLI
@testable import FolioKit

/// The change feed sees what folio's own commands do: a `folio render` lands an analytics event, a
/// `folio label set` moves a label.
@Suite struct ChangeFeedCommandTests {
    let folder = TemporaryFolder("cli-feed")

    @Test func renderIsAnAnalyticsEventAndLabelSetALabelMove() async throws {
        _ = folio("init", in: folder.path)
        #expect(folio("new", "greet", "--file", "-", in: folder.path, stdin: "---\ntitle: Greet\n---\nHello.\n").code == 0)
        let library = try Library.open(explicitPath: folder.path,
                                       environment: FolioEnvironment(variables: [:], currentDirectory: folder.path))
        let feed = LibraryChangeFeed(library: library)
        feed.start()
        defer { feed.stop() }
        var events = feed.subscribe().makeAsyncIterator()

        #expect(folio("render", "greet", in: folder.path).code == 0)
        let rendered = try #require(await events.next())
        #expect(rendered.map(\.summary) == ["analytics.event greet"])

        #expect(folio("label", "set", "greet", "production", in: folder.path).code == 0)
        let labelled = try #require(await events.next())
        #expect(labelled.map(\.summary) == ["label.moved greet"])
    }
}

extension LibraryFeedMessage {
    /// `kind ids`, or `missed`.
    var summary: String {
        switch self {
        case .change(let change): "\(change.kind.rawValue) \(change.ids.joined(separator: ","))"
        case .missed: "missed"
        }
    }
}
