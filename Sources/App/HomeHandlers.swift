import Accounts
import Web

/// `/home` and what it offers: new recovery codes, signing out everywhere.
extension Handlers {
    /// Below this many unused recovery codes, home suggests making new ones.
    static let fewRecoveryCodes = 3

    /// `GET /home`: who is signed in and since when, the second factor and the
    /// recovery codes left, for a fully logged-in session.
    func home(_ request: Request, _ context: inout RequestContext) throws -> Response {
        guard let session = context.session, let user = session.user(at: .full),
              let summary = try context.accounts.summary(userID: user.id, now: context.now)
        else { return .redirect(to: request.url("/")) }
        let enrolledAt: Int64? = if case .enrolled(let since) = summary.secondFactor { since } else { nil }
        let recoveryCodesLeft = summary.unusedRecoveryCodes
        let devices = try deviceList(of: user, request, context)
        return try show(Page("home", title: "Home", [
            "notice": (try request.queryFields()["done"]).flatMap { Self.notices[$0] } ?? false,
            "rememberDevices": settings.accounts.rememberDevice > 0 || !devices.isEmpty,
            "devices": devices,
            "hasDevices": !devices.isEmpty,
            "username": session.username,
            "signedIn": DisplayTime.dateAndTime(session.issuedAt),
            "signedInISO": DisplayTime.machineReadable(session.issuedAt),
            "signedInAgo": DisplayTime.ago(context.now - session.issuedAt),
            "enrolledOn": enrolledAt.map(DisplayTime.date) ?? false,
            "enrolledISO": enrolledAt.map(DisplayTime.machineReadable) ?? "",
            "recoveryCodesLeft": recoveryCodesLeft,
            "fewRecoveryCodes": recoveryCodesLeft < Self.fewRecoveryCodes,
            "returnTo": session.returnTo ?? false,
        ]), to: session, request, &context)
    }

    /// What `/home?done=…` confirms, after an action that leaves the page.
    static let notices = [
        "password": "Your password was changed. Every other session and remembered device was signed out.",
        "forgotten": "That device was forgotten: it needs a code again at its next sign-in.",
    ]

    /// The user's remembered devices as the home page lists them, this browser's marked.
    private func deviceList(of user: AuthenticatedUser, _ request: Request, _ context: RequestContext) throws -> [[String: Any]] {
        let own = try devices.credential(in: request).map { try context.accounts.deviceHandle(token: $0.token) }
        return try context.accounts.devices(userID: user.id).map { device in
            ["label": device.label, "handle": device.handle, "current": device.handle == own,
             "first": DisplayTime.dateAndTime(device.createdAt), "firstISO": DisplayTime.machineReadable(device.createdAt),
             "last": DisplayTime.dateAndTime(device.lastUsedAt), "lastISO": DisplayTime.machineReadable(device.lastUsedAt)]
        }
    }

    /// `POST /devices/forget`: forgets one of the user's remembered devices
    /// (`device`, its handle); this browser's cookie goes too when it is this one.
    func forgetDevice(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (form, session) = try verifiedForm(request, context)
        guard let user = session.user(at: .full) else { return .redirect(to: request.url("/")) }
        let handle = form["device"] ?? ""
        try context.accounts.forgetDevice(user, handle: handle)
        var response = Response.redirect(to: request.url("/home?done=forgotten"))
        if let own = devices.credential(in: request), try context.accounts.deviceHandle(token: own.token) == handle {
            devices.clear(in: &response, for: request)
        }
        return response
    }

    /// `POST /recovery-codes`: a current TOTP code replaces every recovery
    /// code; the answer shows the new ones, this once. A refused code goes
    /// back home with the message.
    func regenerateRecoveryCodes(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (form, session) = try verifiedForm(request, context)
        guard let user = session.user(at: .full) else { return .redirect(to: request.url("/")) }
        switch try context.accounts.regenerateRecoveryCodes(
            userID: user.id, code: form["code"] ?? "", client: context.client, now: context.now) {
        case .confirmed(let codes):
            return try recoveryCodesPage(codes, replacingOld: true, session: session, request, &context)
        case .refused(let refusal):
            return redirect(to: request.url("/home"), with: session, telling: refusal, codeStep: true, &context)
        }
    }

    /// `POST /logout/everywhere`: ends every session of the user, this one
    /// included, then goes to the start like a logout.
    func logoutEverywhere(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let session = try verifiedForm(request, context).session
        if session.stage == .full {
            try context.accounts.logoutEverywhere(named: session.username)
            revocations.recordLogout(session.id)
        }
        var response = try signedOut(request, &context)
        devices.clear(in: &response, for: request)  // every device of the user has ended
        return response
    }
}
