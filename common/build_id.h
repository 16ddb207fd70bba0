// The GNU build ID of the running program: a fingerprint of the binary
// that changes with every change to its code, for state that one build
// may derive and only the same build may trust (see
// outcomes/summary_snapshot.h).
#ifndef TRACTUS_COMMON_BUILD_ID_H_
#define TRACTUS_COMMON_BUILD_ID_H_

#include <string>

namespace tractus {

// Lower-case hex of the main program's NT_GNU_BUILD_ID note; empty when the
// program was linked without one (then nothing derived is ever trusted).
const std::string& ProgramBuildId();

}  // namespace tractus

#endif  // TRACTUS_COMMON_BUILD_ID_H_
