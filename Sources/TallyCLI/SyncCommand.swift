import ArgumentParser
import TallyCore
import TallyStore

/// `tally sync`: this machine's records out, everyone else's in, through the project's git remote.
struct SyncCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sync",
    abstract: "Share labels through the project's git remote: commit this machine's logs (nothing else), fetch, "
      + "merge, push. The first time, --remote sets the remote (and makes the repository if there is none).")

  @Argument(help: "The project folder or its tally.yaml.")
  var project: String

  @Option(help: "The remote, as git takes it: a bare repository on a shared disk, ssh://…, a hosting service's URL.")
  var remote: String?

  func run() throws {
    let loaded = try ProjectArgument.load(project)
    let device: String
    do {
      device = try TallyHome.deviceID(folder: TallyHome.folder(environment: TallyHome.environment))
    } catch {
      StandardError.print("tally sync: cannot read this machine's device id: \(error)")
      throw ExitCode(1)
    }
    do {
      let report = try Sync.run(project: loaded, device: device, remote: remote)
      for line in report.lines { print(line) }
    } catch {
      StandardError.print("tally sync: \(error)")
      throw ExitCode(1)
    }
  }
}
