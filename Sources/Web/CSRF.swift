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
