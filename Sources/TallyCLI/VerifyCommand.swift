import ArgumentParser
import TallyCore
import TallyStore

/// `tally verify`: every log's hash chain, ids, owners, superseding links and signatures.
struct VerifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Check every label log: the hash chain, unique ids, records in their annotators' logs, supersedes "
      + "links, signatures. Prints file:line: what; exit 1 on any problem.")

  @Argument(help: "The project folder or its tally.yaml.")
  var project: String

  func run() throws {
    let loaded = try ProjectArgument.load(project)
    let report: VerifyReport
    do {
      report = try LogVerifier.verify(project: loaded)
    } catch {
      StandardError.print("tally verify: \(error)")
      throw ExitCode(1)
    }
    for note in report.notes { print(note.description) }
    for problem in report.problems { print(problem.description) }
    print(report.summary)
    if !report.clean { throw ExitCode(1) }
  }
}

/// `tally key`: an annotator's signing key pair, kept outside the project.
struct KeyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "key",
    abstract: "Make this annotator's Ed25519 signing key (kept in ~/.config/tally/keys/) and print the public key "
      + "to list in tally.yaml under signing_keys:.")

  @Option(help: "The annotator (default: your login name).")
  var annotator: String?

  @Flag(help: "Print the public key of the key this machine already has instead of making one.")
  var show = false

  func run() throws {
    let name = Annotator.resolve(annotator)
    let home = TallyHome.folder(environment: TallyHome.environment)
    if show {
      guard let key = SigningKeys.load(home: home, annotator: name), let publicKey = SigningKeys.publicKey(of: key)
      else {
        StandardError.print("tally key: \(name) has no key on this machine\n  fix: run `tally key` to make one")
        throw ExitCode(2)
      }
      print(publicKey)
      return
    }
    do {
      let publicKey = try SigningKeys.create(home: home, annotator: name)
      print(
        """
        Made \(name)'s signing key: \(SigningKeys.path(home: home, annotator: name)) (keep it private; copy it to \
        the other machines \(name) labels on).
        Add this to the project's tally.yaml, and from then on \(name)'s records are signed and `tally verify` \
        checks them:

        signing_keys:
          \(name): \(publicKey)
        """)
    } catch {
      StandardError.print("tally key: \(error)")
      throw ExitCode(2)
    }
  }
}
