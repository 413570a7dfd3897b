import ArgumentParser
import Foundation
import SystemIO

/// A new password from standard input for `--password-stdin`: typed at a
/// terminal, without echo and twice so a typo cannot lock the user out; or
/// piped, all of it less one trailing newline.
func readNewPassword() throws -> String {
    guard isatty(STDIN_FILENO) == 1 else { return readPasswordFromStandardInput() }
    let password = try promptWithoutEcho("New password: ")
    guard try promptWithoutEcho("The same password again: ") == password else {
        throw ValidationError("the two passwords typed differ; nothing was changed")
    }
    return password
}

/// Reads a password from standard input: all of it, less one trailing newline.
private func readPasswordFromStandardInput() -> String {
    var password = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    if password.hasSuffix("\n") { password.removeLast() }  // "\r\n" is one Character, removed whole
    return password
}

/// Shows `prompt` on standard error and reads one line from the terminal on
/// standard input with its echo off, restoring the terminal after.
private func promptWithoutEcho(_ prompt: String) throws -> String {
    var saved = termios()
    try systemCall("tcgetattr standard input") { tcgetattr(STDIN_FILENO, &saved) }
    var silent = saved
    silent.c_lflag &= ~tcflag_t(ECHO)
    try systemCall("tcsetattr standard input") { tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent) }
    defer {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)  // best effort: nothing better to do if the terminal went away
        FileHandle.standardError.write(Data("\n".utf8))  // the newline typed was not echoed
    }
    // Only once the echo is off: what is typed after the prompt is never shown (TCSAFLUSH drops what came before).
    FileHandle.standardError.write(Data(prompt.utf8))
    guard let line = readLine(strippingNewline: true) else { throw ValidationError("no password typed") }
    return line
}
