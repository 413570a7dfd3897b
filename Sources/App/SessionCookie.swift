import Web

/// Reads the session from a request's cookie and writes it onto responses,
/// with the attributes DESIGN.md requires.
struct SessionCookie: Sendable {
    let codec: SessionCodec
    let settings: Settings

    /// The valid session the request carries, or nil (absent, tampered, expired).
    func session(in request: Request, now: Int64) -> Session? {
        guard let value = request.cookie(settings.cookieName) else { return nil }
        return codec.decode(value, now: now)
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
        settings.cookie(named: settings.cookieName, value: value, maxAge: maxAge, for: request)
    }
}

extension Settings {
    /// A cookie of totpgate's (the session's, the remembered device's) with
    /// the attributes DESIGN.md requires: `HttpOnly`, `SameSite=Lax`, the
    /// configured path and domain, `Secure` as ``cookieSecurity`` says for `request`.
    func cookie(named name: String, value: String, maxAge: Int, for request: Request) -> SetCookie {
        let secure = switch cookieSecurity {
        case .auto: request.isHTTPS
        case .always: true
        case .never: false
        }
        return SetCookie(name: name, value: value, path: cookiePath, domain: cookieDomain,
                         maxAge: maxAge, secure: secure, httpOnly: true, sameSite: .lax)
    }
}
