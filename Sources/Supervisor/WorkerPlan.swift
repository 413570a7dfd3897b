/// What one generation of workers runs with.
public struct WorkerPlan: Sendable {
    /// Worker processes.
    public var count: Int
    /// Each worker's command line after the executable's name.
    public var arguments: [String]
    /// The config file's text, when there is a config file.
    public var configuration: InheritedText?
    /// What this plan loads, for the log line of a reload.
    public var summary: String

    public init(count: Int, arguments: [String], configuration: InheritedText?, summary: String) {
        self.count = count
        self.arguments = arguments
        self.configuration = configuration
        self.summary = summary
    }
}

/// A worker that could not start, with its own words.
public struct WorkerStartError: Error, CustomStringConvertible {
    public let description: String
}
