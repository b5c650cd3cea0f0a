import Foundation
import Testing

@testable import TallyCore
@testable import TallyStore

/// One labeling session per annotator: the lock names who holds it, goes with the process, and a lock file a
/// dead process left behind is taken over, while one from another host is not.
@Suite struct SessionLockTests {
  @Test func aSecondSessionIsRefusedWithWhereTheFirstRuns() throws {
    let scratch = Scratch()
    let first = try SessionLock(labelsFolder: scratch.path, annotator: "ana", host: "box1", pid: 4242, startedAt: "t0")
    #expect(scratch.read("ana.lock").contains(#""host":"box1""#))
    do {
      _ = try SessionLock(labelsFolder: scratch.path, annotator: "ana", host: "box1", pid: 5555, startedAt: "t1")
      Issue.record("a second lock was given")
    } catch {
      guard case .held(let holder, let path, let elsewhere) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(holder == LockHolder(host: "box1", pid: 4242, annotator: "ana", startedAt: "t0"))
      #expect(path == scratch.file("ana.lock"))
      #expect(!elsewhere)
    }
    // Another annotator is not held up.
    let other = try SessionLock(labelsFolder: scratch.path, annotator: "ben", startedAt: "t2")
    other.release()
    first.release()
    #expect(!FileManager.default.fileExists(atPath: scratch.file("ana.lock")))
    let again = try SessionLock(labelsFolder: scratch.path, annotator: "ana", host: "box1", pid: 6, startedAt: "t3")
    #expect(again.holder.pid == 6)
  }

  @Test func aLockFileLeftByADeadProcessIsTakenOver() throws {
    let scratch = Scratch()
    // What a `kill -9` leaves: the file, with nobody holding its flock.
    let host = SessionLock.hostName()
    scratch.write("ana.lock", #"{"host":"\#(host)","pid":999999,"annotator":"ana","started_at":"t0"}"# + "\n")
    let lock = try SessionLock(labelsFolder: scratch.path, annotator: "ana", startedAt: "t1")
    #expect(lock.holder.pid == getpid())
    #expect(scratch.read("ana.lock").contains("\"pid\":\(getpid())"))
  }

  @Test func aLockFileFromAnotherHostIsNotTakenOver() throws {
    let scratch = Scratch()
    scratch.write("ana.lock", #"{"host":"far-away-box","pid":12,"annotator":"ana","started_at":"t0"}"# + "\n")
    do {
      _ = try SessionLock(labelsFolder: scratch.path, annotator: "ana", startedAt: "t1")
      Issue.record("took over another host's lock")
    } catch {
      guard case .held(let holder, _, let elsewhere) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(elsewhere)
      #expect(holder?.host == "far-away-box")
    }
    #expect(scratch.read("ana.lock").contains("far-away-box"))
  }
}
