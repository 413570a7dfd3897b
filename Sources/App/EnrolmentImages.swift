import OTP
import QRImage
import Synchronization
import SystemIO

/// The QR image of each enrolment in progress, drawn once.
///
/// The enrolment page and its `/qr` image show one secret for up to the 5
/// minutes of the enrolment step; drawing the QR code (libqrencode's mask
/// choice and libpng) is most of an image request, so each is drawn once and
/// kept by its enrolment ticket until the step could no longer be in use.
final class EnrolmentImages: Sendable {
    struct Image: Sendable {
        let png: [UInt8]
        /// Modules a side, quiet zone included.
        let modules: Int
        let drawnAt: ContinuousClock.Instant
    }

    /// Images kept at most; past it, images are drawn for each request.
    static let capacity = 256
    private let lifetime: Duration
    private let scale: Int
    private let images = Mutex<[String: Image]>([:])
    private let clock: any TimeSource

    /// Images at `scale` pixels per module, kept for `lifetime` of `clock`'s monotonic time.
    init(scale: Int, lifetime: Duration, clock: any TimeSource) {
        self.scale = scale
        self.lifetime = lifetime
        self.clock = clock
    }

    /// The image of `uri`, the enrolment `ticket` names (already checked to be current).
    func image(ticket: String, uri: KeyURI) throws -> Image {
        let now = clock.instant
        if let image = images.withLock({ $0[ticket] }), now - image.drawnAt < lifetime { return image }
        let code = try QRCode(encoding: uri.description)
        let image = Image(png: try code.pngData(scale: scale), modules: code.size + 2 * QRCode.quietZone, drawnAt: now)
        images.withLock { images in
            if images.count >= Self.capacity { images = images.filter { now - $0.value.drawnAt < lifetime } }
            if images.count < Self.capacity { images[ticket] = image }
        }
        return image
    }
}
