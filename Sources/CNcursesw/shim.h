// The C surface Tally uses from ncursesw. Only TallyTerminal imports this module.
#ifndef TALLY_CNCURSESW_SHIM_H
#define TALLY_CNCURSESW_SHIM_H

#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <stdio.h>
#include <wchar.h>
#include <signal.h>
#include <pthread.h>
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <ncursesw/curses.h>

// Macros do not import into Swift; these expose the ones Tally needs.
static const attr_t tally_A_NORMAL = A_NORMAL;
static const attr_t tally_A_BOLD = A_BOLD;
static const attr_t tally_A_DIM = A_DIM;
static const attr_t tally_A_UNDERLINE = A_UNDERLINE;
static const attr_t tally_A_REVERSE = A_REVERSE;
static const attr_t tally_A_ITALIC = A_ITALIC;

static inline attr_t tally_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }
static inline int tally_colors(void) { return COLORS; }

// wcwidth is hidden from Swift's Glibc module.
extern int wcwidth(wchar_t c);
static inline int tally_wcwidth(int c) { return wcwidth((wchar_t)c); }

// Draw one cell: a base character plus up to four zero-width characters.
static inline int tally_put_cell(WINDOW *win, int y, int x, const wchar_t *chars, attr_t attrs, short pair) {
  cchar_t cc;
  if (setcchar(&cc, chars, attrs, pair, NULL) != OK) return ERR;
  return mvwadd_wch(win, y, x, &cc);
}

// Read one cell back (for adapter tests). Writes at most `cap` wide chars including the terminating 0.
static inline int tally_get_cell(WINDOW *win, int y, int x, wchar_t *out, int cap, attr_t *attrs) {
  cchar_t cc;
  if (mvwin_wch(win, y, x, &cc) != OK) return ERR;
  wchar_t buf[CCHARW_MAX + 1];
  short pair = 0;
  if (getcchar(&cc, buf, attrs, &pair, NULL) == ERR) return ERR;
  int i = 0;
  for (; i < cap - 1 && buf[i] != 0; i++) out[i] = buf[i];
  out[i] = 0;
  return OK;
}

static inline int tally_ccharw_max(void) { return CCHARW_MAX; }

// ---- Added for TallyTerminal: globals, input polling, checked drawing. ----

// C globals fail Swift's strict concurrency checking; read them through functions.
static inline WINDOW *tally_stdscr(void) { return stdscr; }
static inline FILE *tally_stdin(void) { return stdin; }
static inline FILE *tally_stdout(void) { return stdout; }
static inline int tally_color_pairs(void) { return COLOR_PAIRS; }
static inline const char *tally_codeset(void) { return nl_langinfo(CODESET); }

// 1 if the current terminal can move the cursor (terminfo `cup`); `TERM=dumb` cannot.
static inline int tally_can_address_cursor(void) {
  char *cup = tigetstr("cup");
  return cup != NULL && cup != (char *)-1;
}

// Looks at an input descriptor without waiting: 0 nothing to read, 1 readable, 2 hung up or invalid.
static inline int tally_poll_input(int fd) {
  struct pollfd p;
  p.fd = fd;
  p.events = POLLIN;
  p.revents = 0;
  int r;
  do { r = poll(&p, 1, 0); } while (r < 0 && errno == EINTR);
  if (r < 0) return 2;
  if (r == 0) return 0;
  if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) return 2;
  return (p.revents & POLLIN) ? 1 : 0;
}

// Returned by tally_put_cell_checked when setcchar rejects the characters (nothing was drawn).
static const int tally_bad_cell = -2;

// Like tally_put_cell, but tells rejected characters (tally_bad_cell) apart from a failed add (ERR),
// which ncurses also reports after drawing the bottom-right cell of a window that cannot scroll.
static inline int tally_put_cell_checked(WINDOW *win, int y, int x, const wchar_t *chars, attr_t attrs,
                                         short pair) {
  cchar_t cc;
  if (setcchar(&cc, chars, attrs, pair, NULL) != OK) return tally_bad_cell;
  return mvwadd_wch(win, y, x, &cc);
}

// ---- Crash and signal safety (used by TerminalSafety.swift). ----
//
// The state lives in ONE weak global, not in `static` variables: Swift emits the static inline functions
// of this header into every object file that calls them, so a `static` variable here would exist once
// per Swift source file (checked: debug builds and -O without -wmo), and the signal handler would read
// a different flag than the one Terminal set. A weak definition is merged into a single copy by the linker.

#define TALLY_SIGNAL_SLOTS 32

struct tally_safety_state {
  volatile sig_atomic_t curses_active;  // 1 while a real terminal is in curses mode
  volatile sig_atomic_t stderr_saved;   // 1 + the descriptor holding the real stderr; 0 when not captured
  volatile sig_atomic_t stderr_log;     // 1 + the descriptor of the (unlinked) log; 0 when none
  volatile sig_atomic_t installed;      // handlers installed
  int terminal_claimed;                 // a Terminal (real or test) holds the one ncurses screen
  volatile sig_atomic_t chain[TALLY_SIGNAL_SLOTS];  // pass the signal on to the previous handler
  struct sigaction previous[TALLY_SIGNAL_SLOTS];
};

// Keep the initialiser: without one, Swift treats the line as a declaration only, and the weak symbol
// silently resolves to address 0 (checked: the first access crashed). Zero means "nothing captured,
// curses inactive", which is why descriptors are stored plus one.
__attribute__((weak)) struct tally_safety_state tally_safety = {0};

// One ncurses screen at a time: with two live screens, resize_term on one also resized the other's
// stdscr (checked with ncurses 6.4 here), and the next doupdate on the other crashed.
// Returns 1 if the claim succeeded, 0 if a screen is already claimed.
static inline int tally_terminal_claim(void) {
  int expected = 0;
  return __atomic_compare_exchange_n(&tally_safety.terminal_claimed, &expected, 1, 0, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST) ? 1 : 0;
}

// Gives the claim back (after delscreen).
static inline void tally_terminal_unclaim(void) {
  __atomic_store_n(&tally_safety.terminal_claimed, 0, __ATOMIC_SEQ_CST);
}

// Marks whether a real terminal is in curses mode (the handlers call endwin only then).
static inline void tally_safety_set_curses_active(int active) { tally_safety.curses_active = active ? 1 : 0; }

// 1 while fd 2 is captured.
static inline int tally_stderr_is_captured(void) { return tally_safety.stderr_saved != 0; }

// Sends fd 2 to `log_fd` (an unlinked temporary file), keeping the real stderr. 0 on success, -1 on failure.
static inline int tally_stderr_capture(int log_fd) {
  if (tally_safety.stderr_saved != 0) return -1;
  int saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
  if (saved < 0) return -1;
  (void)fcntl(log_fd, F_SETFD, FD_CLOEXEC);
  // Record first: a signal between here and dup2 then restores a still-real stderr, which is harmless.
  tally_safety.stderr_log = log_fd + 1;
  tally_safety.stderr_saved = saved + 1;
  int r;
  do { r = dup2(log_fd, 2); } while (r < 0 && errno == EINTR);
  if (r < 0) {
    tally_safety.stderr_saved = 0;
    tally_safety.stderr_log = 0;
    close(saved);
    return -1;
  }
  return 0;
}

// Puts the real stderr back on fd 2 and copies what was logged onto it. Async-signal-safe; idempotent.
static inline void tally_stderr_release(void) {
  int saved = tally_safety.stderr_saved - 1;
  int log = tally_safety.stderr_log - 1;
  if (saved < 0) return;
  tally_safety.stderr_saved = 0;
  tally_safety.stderr_log = 0;
  int r;
  do { r = dup2(saved, 2); } while (r < 0 && errno == EINTR);
  close(saved);
  if (log < 0) return;
  if (r >= 0 && lseek(log, 0, SEEK_SET) == 0) {
    char buf[4096];
    for (;;) {
      ssize_t n = read(log, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      const char *p = buf;
      while (n > 0) {
        ssize_t w = write(2, p, (size_t)n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) { n = -1; break; }
        p += w;
        n -= w;
      }
      if (n < 0) break;
    }
  }
  close(log);
}

// Leaves curses mode (if a real terminal is active) and replays captured stderr.
static inline void tally_safety_restore(void) {
  if (tally_safety.curses_active) {
    tally_safety.curses_active = 0;
    endwin();
  }
  tally_stderr_release();
}

static void tally_safety_signal_handler(int sig, siginfo_t *info, void *context) {
  (void)context;
  int saved_errno = errno;
  tally_safety_restore();
  // Hand the signal on: to the previous handler for crash signals (Swift's backtracer), else to the default
  // action.
  struct sigaction next;
  if (sig > 0 && sig < TALLY_SIGNAL_SLOTS && tally_safety.chain[sig]) {
    next = tally_safety.previous[sig];
  } else {
    memset(&next, 0, sizeof next);
    next.sa_handler = SIG_DFL;
    sigemptyset(&next.sa_mask);
  }
  sigaction(sig, &next, NULL);
  // A fault raised by the kernel (si_code > 0) happens again when we return to the faulting instruction,
  // and the next handler then sees the real fault address. SIGTRAP is excluded: on x86 the trap
  // instruction has already been passed. Anything else is re-raised; it is blocked while we run, so it
  // is delivered as this handler returns.
  int fault = sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE;
  int refaults = fault && info != NULL && info->si_code > 0;
  if (!refaults) raise(sig);
  errno = saved_errno;
}

static void tally_safety_at_exit(void) { tally_safety_restore(); }

// Installs the handlers (once per process). Termination signals that were ignored when we started
// (nohup, background jobs) stay ignored. Returns 0, or -1 if a handler could not be installed.
static inline int tally_safety_install(void) {
  if (tally_safety.installed) return 0;
  tally_safety.installed = 1;
  static const int termination[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  static const int crashes[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
  const int nt = (int)(sizeof termination / sizeof termination[0]);
  const int nc = (int)(sizeof crashes / sizeof crashes[0]);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = tally_safety_signal_handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  for (int i = 0; i < nt; i++) sigaddset(&sa.sa_mask, termination[i]);
  for (int i = 0; i < nc; i++) sigaddset(&sa.sa_mask, crashes[i]);
  int result = 0;
  for (int i = 0; i < nt + nc; i++) {
    int sig = i < nt ? termination[i] : crashes[i - nt];
    if (sig <= 0 || sig >= TALLY_SIGNAL_SLOTS) continue;
    struct sigaction old;
    if (sigaction(sig, NULL, &old) != 0) { result = -1; continue; }
    int custom = (old.sa_flags & SA_SIGINFO) || (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN);
    if (i < nt && !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_IGN) continue;
    tally_safety.previous[sig] = old;
    tally_safety.chain[sig] = (i >= nt && custom) ? 1 : 0;
    if (sigaction(sig, &sa, NULL) != 0) result = -1;
  }
  // A parent may have started us with these signals blocked (a thread pool's mask is inherited across
  // exec): unblock them, and SIGWINCH for resizes, so they are not silently held back.
  sigset_t unblock;
  sigemptyset(&unblock);
  for (int i = 0; i < nt + nc; i++) sigaddset(&unblock, i < nt ? termination[i] : crashes[i - nt]);
  sigaddset(&unblock, SIGWINCH);
  if (pthread_sigmask(SIG_UNBLOCK, &unblock, NULL) != 0) result = -1;
  atexit(tally_safety_at_exit);
  return result;
}

#endif
