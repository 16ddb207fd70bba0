// Process-wide settings for a long-running server: tractusd applies them
// first thing, and so do the benchmarks that run the server in-process, so
// both measure the same program.
#ifndef TRACTUS_SERVICES_PROCESS_TUNING_H_
#define TRACTUS_SERVICES_PROCESS_TUNING_H_

namespace tractus::services {

// The allocator: jemalloc's settings (`malloc_conf`, release builds) or,
// on glibc's malloc, a fixed mmap threshold, a trim threshold and 4 arenas
// (see process_tuning.cc). absl::Mutex deadlock detection off: Debian's Abseil
// is built with it on, and it keeps a lock graph on every acquisition (the
// debug and sanitizer test builds keep it).
void TuneProcessForServing();

// True when glibc's malloc serves this process (not jemalloc): it then also
// needs a periodic malloc_trim to hand freed pages back.
bool OnGlibcMalloc();

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_PROCESS_TUNING_H_
