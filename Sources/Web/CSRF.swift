import Crypto

/// Cross-site request forgery defence: every POST carries its session's token.
public enum CSRF {
    /// The name of the hidden form field.
    public static let fieldName = "csrf"

    /// Throws 403 unless `form` carries `session`'s token (compared in constant time).
    public static func verify(_ form: FormFields, session: Session?) throws(HTTPError) {
        guard let session, let submitted = form[fieldName], !session.csrfToken.isEmpty,
              ConstantTime.equal(submitted, session.csrfToken)
        else {
            throw HTTPError(.forbidden, message: "This form has expired or was not sent from this site. Please reload the page and try again.")
        }
    }
}
