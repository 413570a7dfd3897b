extension Configuration {
    /// One setting of `totpgate serve`, declared once: its name (the config
    /// key, and with two dashes the option), where its value goes, its type
    /// (which checks the value), its default and what it sets. The flag, the
    /// config key, `--help` and the README's table all come from it.
    public struct Key: Sendable {
        public let name: String
        /// What a value looks like, for `--help`: `N`, `PATH`, `HOST:PORT`.
        public let valueName: String
        /// The default, in words (Markdown).
        public let defaultValue: String
        /// What it sets, in words (Markdown).
        public let help: String
        /// Whether the key may be given more than once, each time adding a value.
        public let isRepeatable: Bool
        /// A value as an error may repeat it (a password taken out).
        let shown: @Sendable (String) -> String
        /// Sets the value given at an origin (`FILE:LINE`, or the option), which some values record.
        let apply: @Sendable (inout Configuration, String, String) throws(InvalidValue) -> Void
        /// Puts the default back, before options replace what a file gave.
        let reset: @Sendable (inout Configuration) -> Void

        /// A key setting `target` to a value of `type`.
        init<Value: Sendable>(_ name: String, _ target: WritableKeyPath<Configuration, Value> & Sendable, _ type: ValueType<Value>,
                    default defaultValue: String, _ help: String) {
            self.init(name, valueName: type.valueName, default: defaultValue, help, repeatable: false, shown: type.shown,
                      apply: { configuration, text, _ throws(InvalidValue) in configuration[keyPath: target] = try type.parse(text) },
                      reset: { $0[keyPath: target] = Configuration()[keyPath: target] })
        }

        /// A key setting the optional `target`, unset by default.
        init<Value: Sendable>(_ name: String, _ target: WritableKeyPath<Configuration, Value?> & Sendable, _ type: ValueType<Value>,
                    default defaultValue: String, _ help: String) {
            self.init(name, valueName: type.valueName, default: defaultValue, help, repeatable: false, shown: type.shown,
                      apply: { configuration, text, _ throws(InvalidValue) in configuration[keyPath: target] = try type.parse(text) },
                      reset: { $0[keyPath: target] = nil })
        }

        /// A key that may repeat, each value added to the set `target`.
        init<Value: Sendable>(_ name: String, adding target: WritableKeyPath<Configuration, Set<Value>> & Sendable, _ type: ValueType<Value>,
                    default defaultValue: String, _ help: String) {
            self.init(name, valueName: type.valueName, default: defaultValue, help, repeatable: true, shown: type.shown,
                      apply: { configuration, text, _ throws(InvalidValue) in configuration[keyPath: target].insert(try type.parse(text)) },
                      reset: { $0[keyPath: target] = [] })
        }

        /// A key that may repeat, each value (made from its text and where it
        /// was given) appended to the list `target`, whose order matters.
        init<Value: Sendable>(_ name: String, appending target: WritableKeyPath<Configuration, [Value]> & Sendable, valueName: String,
                    default defaultValue: String, _ help: String,
                    _ parse: @escaping @Sendable (String, String) throws(InvalidValue) -> Value) {
            self.init(name, valueName: valueName, default: defaultValue, help, repeatable: true, shown: { $0 },
                      apply: { configuration, text, origin throws(InvalidValue) in configuration[keyPath: target].append(try parse(text, origin)) },
                      reset: { $0[keyPath: target] = [] })
        }

        private init(_ name: String, valueName: String, default defaultValue: String, _ help: String, repeatable: Bool,
                     shown: @escaping @Sendable (String) -> String,
                     apply: @escaping @Sendable (inout Configuration, String, String) throws(InvalidValue) -> Void,
                     reset: @escaping @Sendable (inout Configuration) -> Void) {
            self.name = name
            self.valueName = valueName
            self.defaultValue = defaultValue
            self.help = help
            isRepeatable = repeatable
            self.shown = shown
            self.apply = apply
            self.reset = reset
        }

        /// The key's row in the README's table.
        public var markdownRow: String {
            "| `\(name)` | \(defaultValue) | \(help) |"
        }
    }

    /// What a key's value may be: its shape in `--help`, and the check that
    /// turns its text into the value or says why not.
    struct ValueType<Value>: Sendable {
        let valueName: String
        let parse: @Sendable (String) throws(InvalidValue) -> Value
        /// The text as errors show it: as given, unless the type may hold a secret.
        let shown: @Sendable (String) -> String

        init(_ valueName: String, shown: @escaping @Sendable (String) -> String = { $0 },
             _ parse: @escaping @Sendable (String) throws(InvalidValue) -> Value) {
            self.valueName = valueName
            self.parse = parse
            self.shown = shown
        }

        /// The same check, its value then changed by `transform`.
        func map<Other>(_ transform: @escaping @Sendable (Value) -> Other) -> ValueType<Other> {
            ValueType<Other>(valueName, shown: shown) { text throws(InvalidValue) in transform(try parse(text)) }
        }
    }

    /// Why one value was refused, in words that end the sentence "key = value: …".
    struct InvalidValue: Error {
        let reason: String
    }

    /// The key called `name`, or nil.
    public static func key(named name: String) -> Key? {
        keys.first { $0.name == name }
    }

    /// The README's table of keys: a header and one row per key.
    public static var markdownTable: String {
        (["| key | default | what it sets |", "| --- | --- | --- |"] + keys.map(\.markdownRow)).joined(separator: "\n") + "\n"
    }

    /// The keys as options, for `--help`: each `--name VALUE` and what it
    /// sets, wrapped to 78 columns; `excluding` names keys listed elsewhere.
    public static func optionsHelp(excluding: Set<String> = []) -> String {
        let labelWidth = 28
        return keys.filter { !excluding.contains($0.name) }.map { key in
            let label = "  --\(key.name) <\(key.valueName)>"
            let text = "\(key.help) (default: \(key.defaultValue))".filter { $0 != "`" }
            let lines = wrapped(text, width: 78 - labelWidth)
            let first = label.count < labelWidth ? label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + lines[0]
                : label + "\n" + String(repeating: " ", count: labelWidth) + lines[0]
            return ([first] + lines.dropFirst().map { String(repeating: " ", count: labelWidth) + $0 }).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// `text` in lines of at most `width` characters, broken at spaces.
    private static func wrapped(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return lines + [line]
    }
}
