// The observations a table's console pain becomes when its session ends:
// the pre-session value at the session's start and the post-session value
// at its end, as NPRS observations with source DEVICE whose ids derive
// from the session id. Outcomes read a post-session value as the session's
// immediate effect, never as an assessment of the course.
#ifndef TRACTUS_DEVICE_GATEWAY_CONSOLE_PAIN_H_
#define TRACTUS_DEVICE_GATEWAY_CONSOLE_PAIN_H_

#include <string>

namespace tractus::device_gateway {

enum class ConsolePhase { kPre, kPost };

// DO NOT CHANGE: stored observation ids ("session.<session id>.pre|post").
inline std::string ConsolePainObservationId(const std::string& session_id, ConsolePhase phase) {
  return "session." + session_id + (phase == ConsolePhase::kPre ? ".pre" : ".post");
}

}  // namespace tractus::device_gateway

#endif  // TRACTUS_DEVICE_GATEWAY_CONSOLE_PAIN_H_
