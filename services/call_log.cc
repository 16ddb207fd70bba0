#include "services/call_log.h"

#include <spdlog/spdlog.h>

#include "absl/status/status.h"

namespace tractus::services {

void LogCall(const char* method, grpc::StatusCode code,
             std::chrono::steady_clock::duration latency) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
  const std::string code_name =
      absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  if (code == grpc::StatusCode::OK) {
    spdlog::debug("rpc {} {} {}us", method, code_name, micros);
  } else {
    spdlog::info("rpc {} {} {}us", method, code_name, micros);
  }
}

}  // namespace tractus::services
