import Foundation
import FolioKit

extension SyncRoutes {
    static var openAPI: OpenAPIPart {
        OpenAPIPart(
            operations: [
                OpenAPIOperation(
                    method: .get, path: API.prefix + "/sync/status", operationID: "syncStatus", tag: "sync", summary: "Where the clone stands with its remotes",
                    description: "From what the last fetch brought (nothing is fetched). Keys whose value is unknown are left out.", role: .read,
                    responses: [200: OpenAPIOperation.json("The status.", Schema.ref("SyncStatus"))],
                    errors: [503: ["git"]]),
                OpenAPIOperation(
                    method: .post, path: API.prefix + "/sync", operationID: "sync", tag: "sync", summary: "Sync with a remote",
                    description: "Runs `folio sync`: fetch, integrate, push (labels, variants, comments, approvals and analytics travel too). `continue` finishes a sync stopped on conflicts, `abort` gives it up. A new ssh host is never accepted over the API.",
                    role: .write, requestBody: Schema.ref("SyncRequest"), requestBodyRequired: false,
                    requestExample: ["remote": "origin"],
                    responses: [200: OpenAPIOperation.json("What the sync did, or `{\"aborted\": true}`.",
                                                           ["anyOf": [Schema.ref("SyncOutcome"), Schema.ref("SyncAborted")]])],
                    errors: [404: ["not_found"], 409: ["conflict"], 422: ["invalid_input"], 503: ["git"]]),
            ],
            schemas: [
                "SyncStatus": Schema.object([
                    "branch": Schema.string("Absent when HEAD is detached."), "head": Schema.string("Absent before the first commit."),
                    "remotes": Schema.array(Schema.ref("SyncRemote")),
                    "stopped": Schema.described(Schema.boolean, "A sync stopped on conflicts."),
                    "conflicts": Schema.described(Schema.strings, "Files still in conflict, relative to the work tree."),
                    "last_sync": Schema.ref("LastSync"),
                ], required: ["remotes", "stopped", "conflicts"]),
                "SyncRemote": Schema.object([
                    "name": Schema.string, "url": Schema.string,
                    "tracked_commit": Schema.string("The remote's copy of the branch as last fetched."),
                    "ahead": Schema.integer, "behind": Schema.integer,
                ], required: ["name", "url"]),
                "LastSync": Schema.object([
                    "remote": Schema.string, "branch": Schema.string, "time": Schema.dateTime,
                    "integration": Schema.enumeration(["up-to-date", "fast-forward", "merged"]),
                    "commit": Schema.string, "pushed": Schema.boolean,
                ], required: ["remote", "branch", "time", "integration", "pushed"]),
                "SyncRequest": Schema.object([
                    "remote": Schema.string("Default `origin`."),
                    "continue": Schema.described(Schema.boolean, "Finish a sync that stopped on conflicts."),
                    "abort": Schema.described(Schema.boolean, "Give up a sync that stopped on conflicts."),
                ], required: []),
                "SyncOutcome": Schema.object([
                    "remote": Schema.string, "branch": Schema.string,
                    "integration": Schema.enumeration(["up-to-date", "fast-forward", "merged"]),
                    "commit": Schema.string("The merge or fast-forward target; absent when up to date."),
                    "pushed": Schema.boolean, "retried": Schema.boolean, "notes": Schema.strings,
                ], required: ["remote", "branch", "integration", "pushed", "retried", "notes"], description: "As `folio sync --json` prints it."),
                "SyncAborted": Schema.object(["aborted": Schema.boolean], required: ["aborted"]),
            ],
            tags: ["sync": "Sync: trigger a sync, see where the clone stands."])
    }
}
