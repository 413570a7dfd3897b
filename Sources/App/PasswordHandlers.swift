import Accounts
import Web

/// `/password`: a signed-in user changes their own password.
extension Handlers {
    /// `GET /password`: the form, for a fully logged-in session.
    func passwordPage(_ request: Request, _ context: inout RequestContext) throws -> Response {
        guard let session = context.session(at: .full) else { return .redirect(to: request.url("/")) }
        return try show(Page("password", title: "Change your password", [
            "username": session.username, "minimumLength": PasswordRules.allowedLength.lowerBound,
        ]), to: session, request, &context)
    }

    /// `POST /password`: the current password and the new one. Success ends
    /// every other session and remembered device of the user, and this session
    /// goes on under the new generation; a wrong current password counts like
    /// a failed login; a new one the rules refuse is said why, and counts nothing.
    func changePassword(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (form, session) = try verifiedForm(request, context)
        guard let user = session.user(at: .full) else { return .redirect(to: request.url("/")) }
        let outcome: PasswordChangeOutcome
        do {
            outcome = try context.accounts.changeOwnPassword(
                user, current: form["password"] ?? "", new: form["new_password"] ?? "", client: context.client, now: context.now)
        } catch let error as AccountError {
            var again = session
            again.flash = "Choose another new password: \(error)."
            return redirect(to: request.url("/password"), with: again, &context)
        }
        switch outcome {
        case .changed(let changed):
            var continued = try session.advanced(to: .full, userID: changed.id, username: changed.name,
                                                 generation: changed.sessionGeneration, now: context.now)
            continued.issuedAt = session.issuedAt  // the same sign-in: its lifetime does not start again
            continued.codeEnteredAt = session.codeEnteredAt
            revocations.recordLogout(session.id)
            var response = redirect(to: request.url("/home?done=password"), with: continued, &context)
            devices.clear(in: &response, for: request)
            return response
        case .refused(let refusal):
            var again = session
            again.flash = Self.message(forPasswordChange: refusal)
            return redirect(to: request.url("/password"), with: again, &context)
        }
    }

    static func message(forPasswordChange refusal: Refusal) -> String {
        refusal == .failed ? "Your current password was not right." : message(for: refusal)
    }
}
