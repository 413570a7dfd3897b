import Accounts
import OTP
import QRImage
import Web

/// `/enroll` and `/qr`: a user without a second factor adds one.
extension Handlers {
    /// `GET /enroll`: the QR code, the secret for manual entry and the code field.
    func enrolmentPage(_ request: Request, _ context: RequestContext) throws -> Response {
        guard let session = try session(of: request, context, at: .enrolling), let userID = session.userID else {
            return try redirectAway(request, context)
        }
        let uri = try context.accounts.pendingEnrolment(userID: userID)
        let modules = try QRCode(encoding: uri.description).size + 2 * QRCode.quietZone
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
        let (form, current) = try verifiedForm(request, context)
        guard let session = current, session.stage == .enrolling, let userID = session.userID else {
            return try redirectAway(request, context)
        }
        switch try context.accounts.completeEnrolment(userID: userID, code: form["code"] ?? "", now: context.now) {
        case .confirmed(let codes):
            var full = try session.advanced(to: .full, userID: userID, username: session.username,
                                            generation: session.generation, now: context.now)
            full.flash = nil
            full.returnTo = nil
            return try page("recovery", title: "Save your recovery codes", session: full, isNew: true,
                            request, context, secret: true, ["codes": codes])
        case .refused(let refusal):
            var again = session
            again.flash = Self.message(for: refusal)
            return try redirect(to: request.url("/enroll"), with: again, request, context)
        }
    }

    /// `GET /qr`: the pending enrolment's Key URI as a PNG, for the enrolment step only.
    func qrImage(_ request: Request, _ context: RequestContext) throws -> Response {
        guard let session = try session(of: request, context, at: .enrolling), let userID = session.userID else {
            throw HTTPError(.forbidden, message: "The QR code is only shown while you set up two-step verification.")
        }
        let uri = try context.accounts.pendingEnrolment(userID: userID)
        var response = Response(headers: ["Content-Type": "image/png"],
                                body: try QRCode(encoding: uri.description).pngData(scale: settings.qrScale))
        response.forbidCaching()
        return response
    }

    /// Home for a logged-in session, the start otherwise.
    private func redirectAway(_ request: Request, _ context: RequestContext) throws -> Response {
        let full = try session(of: request, context, at: .full) != nil
        return .redirect(to: request.url(full ? "/home" : "/"))
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
