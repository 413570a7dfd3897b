import Encoding
import Web

/// The page that shows recovery codes, the one time they exist in plain text:
/// after enrolment and after regenerating them.
extension Handlers {
    /// The codes on a `no-store` page, with a plain-text download of them, and
    /// a link on to `continuingTo` (home when nil).
    ///
    /// The download is a `data:` link built here rather than a route: the
    /// codes are stored only as keyed hashes, so no later request could serve
    /// them, and echoing them back through another POST would send them over
    /// the wire twice. A `download` link is a navigation, not a fetch, so the
    /// CSP (no script, images from `'self'`) does not block it.
    func recoveryCodesPage(
        _ codes: [String], replacingOld: Bool, continuingTo: String? = nil, session: Session, _ request: Request,
        _ context: inout RequestContext
    ) throws -> Response {
        let title = replacingOld ? "Your new recovery codes" : "Save your recovery codes"
        return try show(Page("recovery", title: title, holdsSecret: true, [
            "codes": codes,
            "replacingOld": replacingOld,
            "download": "data:text/plain;charset=utf-8," + PercentEncoding.encode(
                Self.recoveryCodesText(codes, user: session.username, appName: settings.appName, now: context.now)),
            "downloadName": "\(settings.appName)-recovery-codes-\(session.username).txt",
            "continue": continuingTo ?? request.url("/home"),
        ]), to: session, request, &context)
    }

    /// The downloaded file: what the codes are for, then one code a line.
    static func recoveryCodesText(_ codes: [String], user: String, appName: String, now: Int64) -> String {
        """
        \(appName) recovery codes for \(user)
        Made \(DisplayTime.dateAndTime(now)). Each code signs you in once,
        in place of a code from your authenticator app.

        \(codes.joined(separator: "\n"))

        """
    }
}
