import Foundation

/// The current Unix time: the one place the command line reads the clock
/// (the libraries take the time as a parameter).
func unixNow() -> Int64 {
    Int64(Date().timeIntervalSince1970)
}
