import ArgumentParser

/// The `tally` command and its subcommands.
public struct TallyCommand: ParsableCommand {
  public static let version = "0.1.0"

  public static let configuration = CommandConfiguration(
    commandName: "tally",
    abstract: "Label data at the terminal, with guidelines, quality checks, a durable label log and export.",
    version: version,
    subcommands: [
      LabelCommand.self, TrainCommand.self, InitCommand.self, ValidateCommand.self, ExportCommand.self,
      QualityCommand.self, AggregateCommand.self, AgreementCommand.self, ReportCommand.self, VerifyCommand.self,
      KeyCommand.self, SyncCommand.self, BundleCommand.self, MergeCommand.self,
      StatusCommand.self, ReviewCommand.self,
      StressCommand.self,
    ]
  )

  public init() {}
}
