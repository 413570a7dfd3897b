import Web

/// Reads the session from a request's cookie and writes it onto responses,
/// with the attributes DESIGN.md requires.
struct SessionCookie: Sendable {
    let codec: SessionCodec
    let settings: Settings

    /// The name prefix a browser accepts only on a `Secure` cookie with
    /// `Path=/` and no `Domain`, set over HTTPS (RFC 6265bis §4.1.3.2).
    static let hostPrefix = "__Host-"

    /// The valid session the request carries, or nil (absent, tampered,
    /// expired, or ambiguous).
    ///
    /// A browser sends every cookie of the name whose domain and path match,
    /// without saying who set which: a sibling host can plant one for the
    /// parent domain, a plain-HTTP man in the middle one without `Secure`.
    /// Cookies that do not verify are ignored; copies of one session (the
    /// same id) are one session; two different valid sessions are neither,
    /// since nothing tells the planted one from the user's own.
    func session(in request: Request, now: Int64) -> Session? {
        var found: Session?
        for value in request.cookies(name(for: request)) {
            guard let session = codec.decode(value, now: now) else { continue }
            guard let earlier = found else {
                found = session
                continue
            }
            guard earlier.id == session.id else { return nil }
            if session.lastSeen > earlier.lastSeen { found = session }
        }
        return found
    }

    /// The cookie's name for `request`: the configured one, behind
    /// ``hostPrefix`` whenever the cookie qualifies for it (`Secure`, no
    /// `cookie-domain`, `cookie-path` `/`), so that no other host can set a
    /// cookie of that name at all.
    func name(for request: Request) -> String {
        let name = settings.cookieName
        let lowercased = name.lowercased()
        guard settings.cookieIsSecure(for: request), settings.cookieDomain == nil, settings.cookiePath == "/",
              !lowercased.hasPrefix("__host-"), !lowercased.hasPrefix("__secure-")
        else { return name }
        return Self.hostPrefix + name
    }

    /// Sets the cookie holding `session` (stamped as seen at `now`).
    func store(_ session: Session, in response: inout Response, for request: Request, now: Int64) throws {
        var session = session
        session.lastSeen = now
        let value: String
        do {
            value = try codec.encode(session)
        } catch SessionCodecError.tooLarge {
            // Only a return address can make it that long: the user then lands on /home instead.
            session.returnTo = nil
            value = try codec.encode(session)
        }
        response.setCookie(cookie(value: value, maxAge: Int(codec.lifetimes.absolute), for: request))
    }

    /// Deletes the cookie in the browser.
    func clear(in response: inout Response, for request: Request) {
        response.setCookie(cookie(value: "", maxAge: 0, for: request))
    }

    private func cookie(value: String, maxAge: Int, for request: Request) -> SetCookie {
        settings.cookie(named: name(for: request), value: value, maxAge: maxAge, for: request)
    }
}

extension Settings {
    /// Whether totpgate's cookies are `Secure` for `request`, as ``cookieSecurity`` says.
    func cookieIsSecure(for request: Request) -> Bool {
        switch cookieSecurity {
        case .auto: request.isHTTPS
        case .always: true
        case .never: false
        }
    }

    /// A cookie of totpgate's (the session's, the remembered device's) with
    /// the attributes DESIGN.md requires: `HttpOnly`, `SameSite=Lax`, the
    /// configured path and domain, `Secure` as ``cookieSecurity`` says for `request`.
    func cookie(named name: String, value: String, maxAge: Int, for request: Request) -> SetCookie {
        SetCookie(name: name, value: value, path: cookiePath, domain: cookieDomain,
                  maxAge: maxAge, secure: cookieIsSecure(for: request), httpOnly: true, sameSite: .lax)
    }
}
