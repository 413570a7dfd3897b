/// URIs an enrolment may draw, chosen for the bytes that break naive encoders.
enum ProvisioningURIs {
    static let benchmark = "otpauth://totp/totpgate:demo?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=totpgate"

    static let all = [
        benchmark,
        // Spaces, percent-encoded as Google Authenticator wants them, and raw.
        "otpauth://totp/Big%20Corp:john%20doe?secret=JBSWY3DPEHPK3PXP&issuer=Big%20Corp",
        "otpauth://totp/Big Corp:john doe?secret=JBSWY3DPEHPK3PXP&issuer=Big Corp",
        // The label's colon and an e-mail account's '@'.
        "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
        // Query delimiters inside the label, percent-encoded.
        "otpauth://totp/x%3Fy:a%2Bb%26c%3Dd?secret=JBSWY3DPEHPK3PXP&issuer=x%3Fy",
        // A non-ASCII issuer, percent-encoded and as raw UTF-8 (two- and four-byte characters).
        "otpauth://totp/Caf%C3%A9%20Z%C3%BCrich:ana?secret=JBSWY3DPEHPK3PXP&issuer=Caf%C3%A9%20Z%C3%BCrich",
        "otpauth://totp/Café Zürich:ana?secret=JBSWY3DPEHPK3PXP&issuer=Café Zürich",
        "otpauth://totp/🔐 Vault:ops?secret=JBSWY3DPEHPK3PXP&issuer=🔐 Vault",
        // A 64-byte (512-bit) secret, with SHA-512 as such keys come.
        "otpauth://totp/ACME:ops?secret=AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQTCQKRMFYYDENBWHA5DYPSAIJCEMSCKJRHFAUSUKZMFUXC6MBRGIZTINJWG44DSOR3HQ6T4PY&issuer=ACME&algorithm=SHA512",
        // Non-default algorithm, digits and period.
        "otpauth://totp/ACME:ops?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=SHA256&digits=8&period=60",
    ]
}
