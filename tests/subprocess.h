// Runs a program as a child process with its stdout and stderr captured
// into one pipe. For tests only. Not thread-safe.
#ifndef TRACTUS_TESTS_SUBPROCESS_H_
#define TRACTUS_TESTS_SUBPROCESS_H_

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace tractus::testing {

class Subprocess {
 public:
  // Starts `argv[0]` with `argv`. Aborts the test binary if fork fails.
  explicit Subprocess(const std::vector<std::string>& argv);
  ~Subprocess();  // SIGKILLs the child if it still runs.

  // Reads output until a line starting with `prefix` arrives (returns the
  // rest of that line) or `timeout` passes or the output ends (returns "").
  std::string WaitForLine(const std::string& prefix, absl::Duration timeout);

  int pid() const { return pid_; }

  // Sends `signal` to the child.
  void Signal(int signal);

  // Waits up to `timeout` for the child to exit; returns its exit code, or
  // -1 if it did not exit in time, or 128+N if signal N killed it.
  int Wait(absl::Duration timeout);

  // Everything the child printed so far (reads what is pending first).
  const std::string& output();

 private:
  // Reads what is available within `timeout`; false at end of output.
  bool ReadSome(absl::Duration timeout);

  int pid_ = -1;
  int fd_ = -1;
  bool exited_ = false;
  int exit_code_ = -1;
  std::string output_;
  size_t consumed_ = 0;  // output_ before this offset was returned by WaitForLine
};

}  // namespace tractus::testing

#endif  // TRACTUS_TESTS_SUBPROCESS_H_
