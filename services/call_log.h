// One log line per finished call: method, status code, latency. Never the
// request, the response or a status message, which may hold patient data.
#ifndef TRACTUS_SERVICES_CALL_LOG_H_
#define TRACTUS_SERVICES_CALL_LOG_H_

#include <grpcpp/support/status_code_enum.h>

#include <chrono>

namespace tractus::services {

// Logged at debug level when OK, info level otherwise. Thread-safe.
void LogCall(const char* method, grpc::StatusCode code,
             std::chrono::steady_clock::duration latency);

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_CALL_LOG_H_
