import Foundation
import HTTPTypes
import Hummingbird

/// A route as it was registered: method, the router's path pattern (`/api/v1/prompts/**`) and, for endpoints added
/// through `API.get/post/put/delete`, the role it needs.
struct RegisteredRoute: Hashable, Sendable {
    let method: String
    let path: String
    var role: Role?
}

/// The router every route group registers on: it passes each route to Hummingbird's `Router` and keeps a list of
/// them, since Hummingbird does not expose its routes. The OpenAPI test compares that list with the document, so a
/// route added anywhere — through `API.get` or `api.router` directly — without its documentation fails the tests.
final class RecordingRouter: RouterMethods, @unchecked Sendable {
    typealias Context = WebContext

    let router: Router<WebContext>
    private let lock = NSLock()
    private var recorded: [RegisteredRoute] = []
    private var pendingRole: Role?

    init(_ router: Router<WebContext>) {
        self.router = router
    }

    /// Every route registered so far, in order.
    var routes: [RegisteredRoute] { lock.withLock { recorded } }

    @discardableResult
    func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == WebContext {
        lock.withLock {
            recorded.append(RegisteredRoute(method: method.rawValue, path: path.description, role: pendingRole))
            pendingRole = nil
        }
        router.on(path, method: method, responder: responder)
        return self
    }

    @discardableResult
    func add(middleware: any MiddlewareProtocol<Request, Response, WebContext>) -> Self {
        router.add(middleware: middleware)
        return self
    }

    /// Notes the role of the next route registered (what `API.get/post/…` require).
    func nextRoute(role: Role) {
        lock.withLock { pendingRole = role }
    }
}
