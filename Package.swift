// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "Tally",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "tally", targets: ["tally"]),
    .executable(name: "tally-bench", targets: ["tally-bench"]),
    .executable(name: "tally-fuzz-json", targets: ["tally-fuzz-json"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    // The only module that sees ncurses.
    .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw", providers: [.apt(["libncurses-dev"])]),
    // Pure: JSON values, a strict fast parser and a serializer.
    .target(name: "TallyJSON"),
    // Pure: statistics on small integer codes: aggregation (majority vote, Wawa, Dawid–Skene, GLAD, MACE,
    // Bradley–Terry) and agreement (Krippendorff's α, Fleiss' and Cohen's κ), with seeded bootstraps.
    .target(name: "TallyStats"),
    // Pure: text as the terminal draws it: display widths, cells, glyphs, wrapping, styles, word diffs.
    .target(name: "TallyText"),
    // Pure: the domain: questions, tasks, typed answers, label records and the current-answer rule, project
    // configuration, the quality rules.
    .target(
      name: "TallyCore",
      dependencies: [
        "TallyJSON", "TallyText", .product(name: "Yams", package: "Yams"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]
    ),
    // Pure: the app state machine, keymap and rendering into a screen of cells.
    .target(name: "TallyUI", dependencies: ["TallyCore", "TallyJSON", "TallyText"]),
    // I/O: data files and label logs.
    .target(name: "TallyStore", dependencies: ["TallyCore", "TallyJSON", "TallyText", "TallyStats"]),
    // I/O: the terminal. Draws a screen, returns keys.
    .target(name: "TallyTerminal", dependencies: ["CNcursesw", "TallyCore", "TallyUI", "TallyText"]),
    // Commands and the runner that ties the pieces together.
    .target(
      name: "TallyCLI",
      dependencies: [
        "TallyCore", "TallyJSON", "TallyText", "TallyStats", "TallyUI", "TallyStore", "TallyTerminal",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "tally", dependencies: ["TallyCLI"]),
    // Release-build benchmark: prints start-up, memory, resume and key-to-frame figures.
    .executableTarget(
      name: "tally-bench",
      dependencies: ["TallyCore", "TallyJSON", "TallyText", "TallyUI", "TallyStore", "TallyCLI"]
    ),
    // libFuzzer target for the JSON parser (see its main.swift); built normally it replays inputs.
    .executableTarget(name: "tally-fuzz-json", dependencies: ["TallyJSON"]),
    .testTarget(name: "TallyJSONTests", dependencies: ["TallyJSON"], exclude: ["Corpus"]),
    .testTarget(name: "TallyTextTests", dependencies: ["TallyText"]),
    .testTarget(name: "TallyStatsTests", dependencies: ["TallyStats", "TallyJSON"], exclude: ["References"]),
    .testTarget(name: "TallyCoreTests", dependencies: ["TallyCore", "TallyJSON", "TallyText", "TallyStats"]),
    .testTarget(name: "TallyUITests", dependencies: ["TallyUI", "TallyCore", "TallyJSON", "TallyText"]),
    .testTarget(name: "TallyStoreTests", dependencies: ["TallyStore", "TallyCore", "TallyJSON"]),
    .testTarget(name: "TallyTerminalTests", dependencies: ["TallyTerminal", "TallyUI", "TallyCore", "TallyText"]),
    // Drives the built `tally` binary in tmux; depends on it so `swift test` builds it first.
    .testTarget(
      name: "TallyEndToEndTests", dependencies: ["tally", "tally-fuzz-json", "TallyStore", "TallyCore", "TallyJSON"]),
  ],
  swiftLanguageModes: [.v6]
)
