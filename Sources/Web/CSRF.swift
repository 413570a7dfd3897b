import Crypto

/// Cross-site request forgery defence: every POST carries its session's token.
public enum CSRF {
    /// The name of the hidden form field.
    public static let fieldName = "csrf"

    /// The session whose token `form` carries (compared in constant time); 403
    /// when there is no session, or the token is missing or wrong.
    public static func verify(_ form: FormFields, session: Session?) throws(HTTPError) -> Session {
        guard let session, let submitted = form[fieldName], !session.csrfToken.isEmpty,
              ConstantTime.equal(submitted, session.csrfToken)
        else {
            throw HTTPError(.forbidden, message: "This form has expired or was not sent from this site. Please reload the page and try again.")
        }
        return session
    }
}

extension Request {
    /// Whether the browser vouches that this request was started from this
    /// site (or by the user, typing the address): for a `GET` that changes
    /// something, such as `/logout`, where no form carries a CSRF token.
    ///
    /// Fetch Metadata (`Sec-Fetch-Site`) decides when the browser sends it
    /// (every current browser does over HTTPS and on localhost); `same-site`
    /// counts, so a protected app on a sibling host may link here. Without it,
    /// an `Origin` or `Referer` naming this host does. Without any of them
    /// nothing vouches: a page elsewhere can suppress `Referer` at will.
    public var isVouchedSameSite: Bool {
        if let site = headers["sec-fetch-site"] {
            return ["same-origin", "same-site", "none"].contains(site.lowercased())
        }
        guard let host = headers["host"]?.lowercased(), !host.isEmpty,
              let source = headers["origin"] ?? headers["referer"]
        else { return false }
        let lower = source.lowercased()
        let scheme = isHTTPS ? "https://" : "http://"
        guard lower.hasPrefix(scheme) else { return false }
        let authority = lower.dropFirst(scheme.count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return authority == host
    }
}
