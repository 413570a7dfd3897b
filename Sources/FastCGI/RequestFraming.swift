import Web

/// Reads the FastCGI records a web server has sent so far on a connection,
/// without taking them from the socket, and says whether they hold one whole
/// request of the ordinary shape: `BEGIN_REQUEST`, `PARAMS` records ending
/// with an empty one, then (but for an authorizer) `STDIN` records ending
/// with an empty one (FastCGI 1.0, section 3).
///
/// Only a complete request is handed to libfcgi, so libfcgi never blocks
/// reading one (a silent or slow client waits in the ``WaitingRoom`` instead
/// of holding a thread), and never meets a name or value length larger than
/// the parameters it came with (Debian 12's libfcgi allocates what a length
/// claims and aborts the process on 2^31 - 2).
enum RequestFraming {
    /// The most parameter bytes (CGI variables and HTTP headers) a request may
    /// carry: nginx's default header limits produce well under half of it.
    static let maximumParameterBytes = 48 * 1024

    /// The FastCGI role a request asks of the application.
    enum Role: UInt16, Equatable {
        case responder = 1
        case authorizer = 2
        case filter = 3

        /// What the application is asked: the begin record's role, which no
        /// parameter (`FCGI_ROLE`) can override; nil for a filter, which
        /// totpgate is not.
        var request: Web.Request.Role? {
            switch self {
            case .responder: .responder
            case .authorizer: .authorizer
            case .filter: nil
            }
        }
    }

    /// What a complete request's framing says.
    struct Request: Equatable {
        var role: Role
        /// `FCGI_KEEP_CONN`: the web server will send more requests on this connection.
        var keepsConnection: Bool
    }

    enum Verdict: Equatable {
        /// The whole request is there.
        case complete(Request)
        /// The parameters are there, the body is still coming.
        case awaitingBody(Request)
        /// More bytes are needed before anything can be said.
        case incomplete
        /// Not a request this responder serves; the reason, for the log.
        case malformed(String)
    }

    private enum RecordType: UInt8 {
        case beginRequest = 1, parameters = 4, standardInput = 5
    }

    /// Examines `bytes`, the start of what the connection has received.
    static func examine(_ bytes: ArraySlice<UInt8>) -> Verdict {
        var offset = bytes.startIndex
        var request: Request?
        var requestID: UInt16 = 0
        var parameters = ParameterLengths()
        var parametersComplete = false

        while true {
            guard bytes.endIndex - offset >= 8 else { return waiting(request, parametersComplete) }
            guard bytes[offset] == 1 else { return .malformed("FastCGI version \(bytes[offset]), not 1") }
            let type = bytes[offset + 1]
            let id = UInt16(bytes[offset + 2]) << 8 | UInt16(bytes[offset + 3])
            let contentLength = Int(bytes[offset + 4]) << 8 | Int(bytes[offset + 5])
            let content = offset + 8..<offset + 8 + contentLength
            let recordEnd = content.upperBound + Int(bytes[offset + 6])
            guard bytes.endIndex >= recordEnd else { return waiting(request, parametersComplete) }

            switch (request, parametersComplete, RecordType(rawValue: type)) {
            case (nil, _, .beginRequest):
                guard id != 0, contentLength == 8 else { return .malformed("a BEGIN_REQUEST record of \(contentLength) bytes for request \(id)") }
                let roleNumber = UInt16(bytes[content.lowerBound]) << 8 | UInt16(bytes[content.lowerBound + 1])
                guard let role = Role(rawValue: roleNumber) else { return .malformed("unknown role \(roleNumber)") }
                request = Request(role: role, keepsConnection: bytes[content.lowerBound + 2] & 1 != 0)
                requestID = id
            case (let begun?, false, .parameters) where id == requestID:
                if contentLength == 0 {
                    guard parameters.isBetweenPairs else { return .malformed("the parameters end inside a name or value") }
                    parametersComplete = true
                    if begun.role == .authorizer { return .complete(begun) }
                } else {
                    parameters.total += contentLength
                    guard parameters.total <= maximumParameterBytes else {
                        return .malformed("parameters over \(maximumParameterBytes / 1024) KiB")
                    }
                    if let problem = parameters.consume(bytes[content]) { return .malformed(problem) }
                }
            case (let begun?, true, .standardInput) where id == requestID:
                if contentLength == 0 { return .complete(begun) }
            default:
                return .malformed("an unexpected record of type \(type) for request \(id)")
            }
            offset = recordEnd
        }
    }

    private static func waiting(_ request: Request?, _ parametersComplete: Bool) -> Verdict {
        guard let request, parametersComplete else { return .incomplete }
        return .awaitingBody(request)
    }
}

/// Follows the name and value lengths of FastCGI name-value pairs across the
/// content of `PARAMS` records: a length is one byte, or four with the high
/// bit set (FastCGI 1.0, section 3.4).
private struct ParameterLengths {
    /// Content bytes of every `PARAMS` record so far.
    var total = 0
    private var isValue = false
    private var lengthBytesLeft = 0
    private var length = 0
    private var nameLength = 0
    private var bytesToSkip = 0

    /// Whether the content so far ends exactly after a pair.
    var isBetweenPairs: Bool { !isValue && lengthBytesLeft == 0 && bytesToSkip == 0 }

    /// Follows `content`; a problem that rules the request out, or nil.
    mutating func consume(_ content: ArraySlice<UInt8>) -> String? {
        var index = content.startIndex
        while index < content.endIndex {
            if bytesToSkip > 0 {
                let skipped = min(bytesToSkip, content.endIndex - index)
                bytesToSkip -= skipped
                index += skipped
                continue
            }
            let byte = content[index]
            index += 1
            if lengthBytesLeft == 0, byte & 0x80 == 0 {
                length = Int(byte)
            } else if lengthBytesLeft == 0 {
                length = Int(byte & 0x7F)
                lengthBytesLeft = 3
                continue
            } else {
                length = length << 8 | Int(byte)
                lengthBytesLeft -= 1
                if lengthBytesLeft > 0 { continue }
            }
            if !isValue {
                nameLength = length
                isValue = true
            } else {
                guard nameLength + length <= RequestFraming.maximumParameterBytes else {
                    return "a parameter of \(nameLength + length) bytes"
                }
                bytesToSkip = nameLength + length
                isValue = false
            }
        }
        return nil
    }
}
