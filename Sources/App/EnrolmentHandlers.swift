import Accounts
import Encoding
import OTP
import Web

/// `/enroll` and `/qr`: a user without a second factor adds one.
extension Handlers {
    /// `GET /enroll`: the QR code, the secret for manual entry and the code field.
    func enrolmentPage(_ request: Request, _ context: inout RequestContext) throws -> Response {
        guard let enrolment = Enrolment(context) else { return redirectAway(request, context) }
        let uri: KeyURI
        do {
            uri = try context.accounts.pendingEnrolment(userID: enrolment.user.id, ticket: enrolment.ticket)
        } catch let error as AccountError {
            return try restart(after: error, request, &context)
        }
        let modules = try enrolmentImages.image(ticket: enrolment.ticket, uri: uri).modules
        let page = Page("enroll", title: "Set up two-step verification", holdsSecret: true, [
            "secretGroups": Self.groupsOfFour(Base32.encode(uri.secret)),
            "issuer": uri.issuer ?? "",
            "account": uri.account,
            "qrSize": modules * settings.qrScale,
        ])
        return try show(page, to: enrolment.session, request, &context)
    }

    /// `POST /enroll`: a code from the app turns the second factor on; the
    /// answer shows the recovery codes, this once.
    func enrol(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let form = try verifiedForm(request, context).form
        guard let enrolment = Enrolment(context) else { return redirectAway(request, context) }
        let outcome: EnrolmentOutcome
        do {
            outcome = try context.accounts.completeEnrolment(
                userID: enrolment.user.id, ticket: enrolment.ticket, code: form["code"] ?? "", client: context.client, now: context.now)
        } catch let error as AccountError {
            return try restart(after: error, request, &context)
        }
        switch outcome {
        case .enrolled(let user, let codes):
            var full = try enrolment.session.advanced(to: .full, userID: user.id, username: user.name,
                                                      generation: user.sessionGeneration, now: context.now)
            full.flash = nil
            full.returnTo = Self.keptForHome(enrolment.session.returnTo)
            full.codeEnteredAt = context.now
            // The recovery codes page continues to where the login was to lead (the gate's `rd`).
            return try recoveryCodesPage(codes, replacingOld: false, continuingTo: enrolment.session.returnTo, session: full,
                                         request, &context)
        case .refused(let refusal):
            return redirect(to: request.url("/enroll"), with: enrolment.session, telling: refusal, codeStep: true, &context)
        }
    }

    /// `GET /qr`: the Key URI of this session's enrolment as a PNG, for the enrolment step only.
    func qrImage(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let forbidden = HTTPError(.forbidden, message: "The QR code is only shown while you set up two-step verification.")
        guard let enrolment = Enrolment(context) else { throw forbidden }
        let uri: KeyURI
        do {
            uri = try context.accounts.pendingEnrolment(userID: enrolment.user.id, ticket: enrolment.ticket)
        } catch is AccountError {
            throw forbidden
        }
        var response = Response(headers: ["Content-Type": "image/png"],
                                body: try enrolmentImages.image(ticket: enrolment.ticket, uri: uri).png)
        response.forbidCaching()
        return response
    }

    /// The request's enrolling session, its user and its enrolment ticket.
    private struct Enrolment {
        let session: Session
        let user: AuthenticatedUser
        let ticket: String

        init?(_ context: RequestContext) {
            guard let session = context.session, let user = session.user(at: .enrolling), let ticket = session.enrolment else {
                return nil
            }
            (self.session, self.user, self.ticket) = (session, user, ticket)
        }
    }

    /// Home for a logged-in session, the start otherwise.
    private func redirectAway(_ request: Request, _ context: RequestContext) -> Response {
        .redirect(to: request.url(context.session(at: .full) != nil ? "/home" : "/"))
    }

    /// Back to the start with a fresh session when this enrolment is over:
    /// completed, or replaced by a later login (which alone may finish it).
    private func restart(after error: AccountError, _ request: Request, _ context: inout RequestContext) throws -> Response {
        let message = switch error {
        case .alreadyEnrolled: "Two-step verification is already on for this account. Please sign in."
        default: "This set-up was replaced by a newer sign-in. Please sign in again."
        }
        return try startOver(saying: message, request, &context)
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
