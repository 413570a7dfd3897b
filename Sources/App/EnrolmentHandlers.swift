import Accounts
import OTP
import Web

/// `/enroll` and `/qr`: a user without a second factor adds one.
extension Handlers {
    /// `GET /enroll`: the QR code, the secret for manual entry and the code field.
    func enrolmentPage(_ request: Request, _ context: RequestContext) throws -> Response {
        guard let (session, userID, ticket) = try enrolling(request, context) else { return try redirectAway(request, context) }
        let uri: KeyURI
        do {
            uri = try context.accounts.pendingEnrolment(userID: userID, ticket: ticket)
        } catch let error as AccountError {
            return try restart(after: error, request, context)
        }
        let modules = try enrolmentImages.image(ticket: ticket, uri: uri).modules
        return try page("enroll", title: "Set up two-step verification", session: session,
                        request, context, secret: true, [
            "secretGroups": Self.groupsOfFour(Base32.encode(uri.secret)),
            "issuer": uri.issuer ?? "",
            "account": uri.account,
            "qrSize": modules * settings.qrScale,
        ])
    }

    /// `POST /enroll`: a code from the app turns the second factor on; the
    /// answer shows the recovery codes, this once.
    func enrol(_ request: Request, _ context: RequestContext) throws -> Response {
        let (form, _) = try verifiedForm(request, context)
        guard let (session, userID, ticket) = try enrolling(request, context) else { return try redirectAway(request, context) }
        let outcome: EnrolmentOutcome
        do {
            outcome = try context.accounts.completeEnrolment(
                userID: userID, ticket: ticket, code: form["code"] ?? "", client: ClientAddress(request.clientAddress), now: context.now)
        } catch let error as AccountError {
            return try restart(after: error, request, context)
        }
        switch outcome {
        case .enrolled(let user, let codes):
            var full = try session.advanced(to: .full, userID: userID, username: user.name,
                                            generation: user.sessionGeneration, now: context.now)
            full.flash = nil
            full.returnTo = nil
            return try recoveryCodesPage(codes, replacingOld: false, session: full, isNew: true, request, context)
        case .refused(let refusal):
            return try redirect(to: request.url("/enroll"), with: session, telling: refusal, request, context)
        }
    }

    /// `GET /qr`: the Key URI of this session's enrolment as a PNG, for the enrolment step only.
    func qrImage(_ request: Request, _ context: RequestContext) throws -> Response {
        let forbidden = HTTPError(.forbidden, message: "The QR code is only shown while you set up two-step verification.")
        guard let (_, userID, ticket) = try enrolling(request, context) else { throw forbidden }
        let uri: KeyURI
        do {
            uri = try context.accounts.pendingEnrolment(userID: userID, ticket: ticket)
        } catch is AccountError {
            throw forbidden
        }
        var response = Response(headers: ["Content-Type": "image/png"],
                                body: try enrolmentImages.image(ticket: ticket, uri: uri).png)
        response.forbidCaching()
        return response
    }

    /// The request's enrolling session, its user and its enrolment ticket.
    private func enrolling(_ request: Request, _ context: RequestContext) throws -> (Session, Int64, String)? {
        guard let session = try session(of: request, context, at: .enrolling),
              let userID = session.userID, let ticket = session.enrolment
        else { return nil }
        return (session, userID, ticket)
    }

    /// Home for a logged-in session, the start otherwise.
    private func redirectAway(_ request: Request, _ context: RequestContext) throws -> Response {
        let full = try session(of: request, context, at: .full) != nil
        return .redirect(to: request.url(full ? "/home" : "/"))
    }

    /// Back to the start with a fresh session when this enrolment is over:
    /// completed, or replaced by a later login (which alone may finish it).
    private func restart(after error: AccountError, _ request: Request, _ context: RequestContext) throws -> Response {
        let message = switch error {
        case .alreadyEnrolled: "Two-step verification is already on for this account. Please sign in."
        default: "This set-up was replaced by a newer sign-in. Please sign in again."
        }
        return try startOver(saying: message, request, context)
    }

    /// `ABCDEFGH…` as `ABCD EFGH …`, the way people type it into an app.
    static func groupsOfFour(_ text: String) -> String {
        var groups: [Substring] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            groups.append(rest.prefix(4))
            rest = rest.dropFirst(4)
        }
        return groups.joined(separator: " ")
    }
}
