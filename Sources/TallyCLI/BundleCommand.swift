import ArgumentParser
import TallyCore
import TallyStore

/// `tally bundle`: the project's records in one file, for a machine with no network.
struct BundleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bundle",
    abstract: "Write the project's records (or those new since an earlier bundle) into one file with a manifest, "
      + "for `tally merge` on a machine with no network.")

  @Argument(help: "The project folder or its tally.yaml.")
  var project: String

  @Option(help: "The bundle file to write.")
  var out: String

  @Option(help: "An earlier bundle: only the records after the ones it holds.")
  var since: String?

  @Flag(help: "Replace --out if it exists.")
  var force = false

  func run() throws {
    let loaded = try ProjectArgument.load(project)
    let output = try OutputCheck.check(out, project: loaded, force: force, command: "bundle")
    var base: BundleManifest?
    if let since {
      do {
        base = try RecordBundle.read(try ProjectFiles.read(since), file: since).manifest
      } catch {
        StandardError.print("tally bundle: --since \(since): \(error)")
        throw ExitCode(2)
      }
      let here = RecordBundle.fingerprint(loaded)
      if base?.fingerprint.questions != here.questions || base?.fingerprint.data != here.data {
        StandardError.print(
          "tally bundle: --since \(since) was made for another project (its questions or data differ)")
        throw ExitCode(2)
      }
    }
    do {
      let device = try TallyHome.deviceID(folder: TallyHome.folder(environment: TallyHome.environment))
      let (text, manifest) = try RecordBundle.make(project: loaded, device: device, since: base, now: Clock.now())
      try output.write(text)
      let records = manifest.logs.reduce(0) { $0 + $1.records }
      print(
        "wrote \(Path.display(output.path)): \(records) records from \(manifest.logs.count) logs"
          + (since.map { " (new since \($0))" } ?? ""))
    } catch {
      StandardError.print("tally bundle: \(error)")
      throw ExitCode(1)
    }
  }
}

/// `tally merge`: adds the records of bundles the project lacks.
struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Add every record of the bundles that the project does not have (idempotent, in any order); refuse "
      + "bundles cut short, damaged or made for another project.")

  @Argument(help: "The project folder or its tally.yaml.")
  var project: String

  @Argument(help: "Bundle files made by `tally bundle`.")
  var bundles: [String]

  func run() throws {
    let loaded = try ProjectArgument.load(project)
    var inputs: [(file: String, bytes: [UInt8])] = []
    for file in bundles {
      do {
        inputs.append((file, try ProjectFiles.read(file)))
      } catch {
        StandardError.print("tally merge: cannot read \(file): \(error)")
        throw ExitCode(2)
      }
    }
    do {
      let report = try BundleMerge.merge(project: loaded, bundles: inputs)
      for line in report.lines { print(line) }
      if !report.refused.isEmpty || !report.conflicts.isEmpty { throw ExitCode(1) }
    } catch let error as ExitCode {
      throw error
    } catch {
      StandardError.print("tally merge: \(error)")
      throw ExitCode(1)
    }
  }
}
