// The shape of every handler: check the call is still wanted, pass the
// CallGuard (authentication, authorization, limits, audit), call one domain
// function, map its status, record the outcome. Handlers stay a few lines;
// bookkeeping lives here once.
//
// The domain function may take the CallGuard::Admission (who is calling,
// what the call touches) or nothing.
#ifndef TRACTUS_SERVICES_UNARY_HANDLER_H_
#define TRACTUS_SERVICES_UNARY_HANDLER_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/sync_stream.h>

#include <chrono>
#include <type_traits>
#include <utility>

#include "absl/status/statusor.h"
#include "services/call_guard.h"
#include "services/call_log.h"
#include "services/status_mapping.h"

namespace tractus::services {
namespace internal {

template <typename Fn>
decltype(auto) InvokeWith(Fn&& fn, CallGuard::Admission& admission) {
  if constexpr (std::is_invocable_v<Fn, CallGuard::Admission&>) {
    return std::forward<Fn>(fn)(admission);
  } else {
    return std::forward<Fn>(fn)();
  }
}

}  // namespace internal

// Runs `domain_fn` (returning absl::StatusOr<Response>) for the RPC
// `method` once `guard` admits the call, and moves its value into
// `*response`.
template <typename Request, typename Response, typename Fn>
grpc::Status RunUnary(CallGuard& guard, grpc::ServerContext* context, const char* method,
                      const Request& request, Response* response, Fn&& domain_fn) {
  const auto started = std::chrono::steady_clock::now();
  grpc::Status result;
  // (No IsCancelled() check here: on the synchronous API it polls the
  // completion queue, ~10 % of a progress call's CPU. A call that waited
  // past its deadline is refused; the client hears the same either way.)
  if (context->deadline() <= std::chrono::system_clock::now()) {
    result = grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                          "deadline expired before the call ran");
  } else if (auto admission = guard.Admit(*context, method, request); !admission.ok()) {
    result = ToGrpcStatus(admission.status(), method);
  } else {
    absl::StatusOr<Response> out = internal::InvokeWith(std::forward<Fn>(domain_fn), *admission);
    if (out.ok()) {
      if (absl::Status again = guard.Recheck(*admission, request); !again.ok()) {
        out = again;
      }
    }
    if (out.ok()) {
      *response = std::move(*out);
    } else {
      result = ToGrpcStatus(out.status(), method);
    }
    absl::Status audited =
        guard.Finish(*admission, static_cast<absl::StatusCode>(result.error_code()), response);
    if (!audited.ok()) {
      response->Clear();
      result = ToGrpcStatus(audited, method);
    }
  }
  guard.Record(method, result.error_code(), std::chrono::steady_clock::now() - started);
  return result;
}

// The end of a streaming call, whatever API serves it: maps `outcome`,
// audits the end of an admitted call (`admission` null: never admitted;
// a failed audit turns the answer into its status) and logs the outcome.
// Returns what the caller is answered.
inline grpc::Status EndStream(CallGuard& guard, CallGuard::Admission* admission,
                              const char* method, const absl::Status& outcome,
                              std::chrono::steady_clock::time_point started) {
  grpc::Status result = ToGrpcStatus(outcome, method);
  if (admission != nullptr) {
    absl::Status audited =
        guard.Finish(*admission, static_cast<absl::StatusCode>(result.error_code()));
    if (!audited.ok()) result = ToGrpcStatus(audited, method);
  }
  guard.Record(method, result.error_code(), std::chrono::steady_clock::now() - started);
  return result;
}

// Runs a streaming handler's body (returning absl::Status) once `guard`
// admits the call, maps its status and logs the outcome. `request` is the
// first request of a server stream, or a default instance for a
// bidirectional stream (whose target is the caller itself).
template <typename Fn>
grpc::Status RunStreaming(CallGuard& guard, grpc::ServerContext* context, const char* method,
                          const google::protobuf::Message& request, Fn&& body) {
  const auto started = std::chrono::steady_clock::now();
  auto admission = guard.Admit(*context, method, request);
  if (!admission.ok()) return EndStream(guard, nullptr, method, admission.status(), started);
  const absl::Status outcome = internal::InvokeWith(std::forward<Fn>(body), *admission);
  return EndStream(guard, &*admission, method, outcome, started);
}

// The body of a server stream that sends what a domain function produces:
// `produce(emit)` calls emit(part) per part (stopping when it returns
// false). No part is written before the call is authorized again when its
// target was missing at admission (CallGuard::Recheck), nor once the
// caller's credential is revoked (CallGuard::StillAdmitted: UNAUTHENTICATED);
// CANCELLED when the client went away.
template <typename Request, typename Response, typename Produce>
absl::Status WriteParts(CallGuard& guard, CallGuard::Admission& call, const Request& request,
                        grpc::ServerContext* context, grpc::ServerWriter<Response>* writer,
                        Produce&& produce) {
  bool client_gone = false;
  absl::Status refused;
  absl::Status produced = std::forward<Produce>(produce)([&](const Response& part) {
    refused = guard.Recheck(call, request);
    if (refused.ok()) refused = guard.StillAdmitted(call);  // revoked meanwhile
    if (!refused.ok()) return false;
    // Write fails once the client has gone (IsCancelled() per part would
    // poll the completion queue).
    client_gone = !writer->Write(part);
    return !client_gone;
  });
  if (!produced.ok()) return produced;
  if (!refused.ok()) return refused;
  if (client_gone) return absl::CancelledError("the reader went away");
  return absl::OkStatus();
}

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_UNARY_HANDLER_H_
