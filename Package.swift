// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "Tally",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "tally", targets: ["tally"]),
    .executable(name: "tally-bench", targets: ["tally-bench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    // The only module that sees ncurses.
    .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw", providers: [.apt(["libncurses-dev"])]),
    // Pure: domain types, project configuration, JSON, text measuring.
    .target(
      name: "TallyCore",
      dependencies: [.product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto")]
    ),
    // Pure: the app state machine, keymap and rendering into a screen of cells.
    .target(name: "TallyUI", dependencies: ["TallyCore"]),
    // I/O: data files and label logs.
    .target(name: "TallyStore", dependencies: ["TallyCore"]),
    // I/O: the terminal. Draws a screen, returns keys.
    .target(name: "TallyTerminal", dependencies: ["CNcursesw", "TallyUI"]),
    // Commands and the runner that ties the pieces together.
    .target(
      name: "TallyCLI",
      dependencies: [
        "TallyCore", "TallyUI", "TallyStore", "TallyTerminal",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "tally", dependencies: ["TallyCLI"]),
    // Release-build benchmark: prints start-up, memory, resume and key-to-frame figures.
    .executableTarget(
      name: "tally-bench",
      dependencies: ["TallyCore", "TallyUI", "TallyStore", "TallyCLI"]
    ),
    .testTarget(name: "TallyCoreTests", dependencies: ["TallyCore"]),
    .testTarget(name: "TallyUITests", dependencies: ["TallyUI", "TallyCore"]),
    .testTarget(name: "TallyStoreTests", dependencies: ["TallyStore", "TallyCore"]),
    .testTarget(name: "TallyTerminalTests", dependencies: ["TallyTerminal", "TallyUI", "TallyCore"]),
    // Drives the built `tally` binary in tmux; depends on it so `swift test` builds it first.
    .testTarget(name: "TallyEndToEndTests", dependencies: ["tally", "TallyStore", "TallyCore"]),
  ],
  swiftLanguageModes: [.v6]
)
