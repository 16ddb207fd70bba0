// The shape of every unary handler: check the call is still wanted, call one
// domain function, map its status, record the outcome. Handlers stay three
// lines; bookkeeping lives here once.
#ifndef TRACTUS_SERVICES_UNARY_HANDLER_H_
#define TRACTUS_SERVICES_UNARY_HANDLER_H_

#include <grpcpp/server_context.h>

#include <chrono>
#include <utility>

#include "absl/status/statusor.h"
#include "services/call_log.h"
#include "services/status_mapping.h"

namespace tractus::services {

// Runs `domain_fn()` (returning absl::StatusOr<Response>) for the RPC
// `method` and moves its value into `*response`.
template <typename Response, typename Fn>
grpc::Status RunUnary(grpc::ServerContext* context, const char* method,
                      Response* response, Fn&& domain_fn) {
  const auto started = std::chrono::steady_clock::now();
  grpc::Status result;
  if (context->IsCancelled()) {
    result = grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled before it ran");
  } else if (context->deadline() <= std::chrono::system_clock::now()) {
    result = grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                          "deadline expired before the call ran");
  } else {
    absl::StatusOr<Response> out = std::forward<Fn>(domain_fn)();
    if (out.ok()) {
      *response = std::move(*out);
    } else {
      result = ToGrpcStatus(out.status(), method);
    }
  }
  LogCall(method, result.error_code(), std::chrono::steady_clock::now() - started);
  return result;
}

// Runs a streaming handler's body (returning absl::Status), maps its status
// and logs the outcome, as RunUnary does for unary calls.
template <typename Fn>
grpc::Status RunStreaming(const char* method, Fn&& body) {
  const auto started = std::chrono::steady_clock::now();
  grpc::Status result = ToGrpcStatus(std::forward<Fn>(body)(), method);
  LogCall(method, result.error_code(), std::chrono::steady_clock::now() - started);
  return result;
}

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_UNARY_HANDLER_H_
