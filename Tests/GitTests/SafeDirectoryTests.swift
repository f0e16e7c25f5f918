import Foundation
import Testing
@testable import Git

/// git's `safe.directory` rules, which folio applies when libgit2 refuses another user's repository
/// (PermissionEndToEndTests runs them as another user).
@Suite struct SafeDirectoryTests {
    let repository = "/srv/ci/library"

    @Test func aStarTrustsEveryRepository() {
        #expect(SafeDirectory.trusts(repository, values: ["*"], home: nil))
    }

    @Test func thePathTrustsThatRepositoryOnly() {
        #expect(SafeDirectory.trusts(repository, values: ["/srv/ci/library"], home: nil))
        #expect(SafeDirectory.trusts(repository, values: ["/srv/ci/library/"], home: nil))
        #expect(!SafeDirectory.trusts(repository, values: ["/srv/ci"], home: nil))
        #expect(!SafeDirectory.trusts(repository, values: ["/srv/ci/lib"], home: nil))
    }

    @Test func aFolderFollowedBySlashStarTrustsEverythingBelowIt() {
        #expect(SafeDirectory.trusts(repository, values: ["/srv/*"], home: nil))
        #expect(SafeDirectory.trusts(repository, values: ["/srv/ci/*"], home: nil))
        #expect(!SafeDirectory.trusts(repository, values: ["/srv/ci/library/*"], home: nil))
        #expect(!SafeDirectory.trusts(repository, values: ["/srv/c/*"], home: nil))
    }

    @Test func aTildeIsTheHomeFolder() {
        #expect(SafeDirectory.trusts("/home/ci/library", values: ["~/library"], home: "/home/ci"))
        #expect(!SafeDirectory.trusts("/home/ci/library", values: ["~/library"], home: nil))
    }

    @Test func anEmptyValueForgetsTheValuesBeforeIt() {
        #expect(!SafeDirectory.trusts(repository, values: ["*", ""], home: nil))
        #expect(SafeDirectory.trusts(repository, values: ["*", "", repository], home: nil))
        #expect(!SafeDirectory.trusts(repository, values: [], home: nil))
    }
}
