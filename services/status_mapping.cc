#include "services/status_mapping.h"

#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace tractus::services {
namespace {

bool IsHidden(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kDataLoss ||
         code == absl::StatusCode::kUnknown;
}

const char* HiddenMessage(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kDataLoss:
      return "a stored record could not be read; the operator has been alerted";
    case absl::StatusCode::kInternal:
      return "internal error; the operator has been alerted";
    default:
      return "unknown error; the operator has been alerted";
  }
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status, absl::string_view method) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  if (IsHidden(status.code())) {
    spdlog::error("{}: {} ({})", std::string(method),
                  absl::StatusCodeToString(status.code()), std::string(status.message()));
    return grpc::Status(code, HiddenMessage(status.code()));
  }

  google::rpc::Status details;
  for (absl::string_view type_url : {kBadRequestTypeUrl, kRetryInfoTypeUrl}) {
    auto payload = status.GetPayload(type_url);
    if (!payload.has_value()) continue;
    google::protobuf::Any* any = details.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(*payload));
  }
  std::string message(status.message());
  if (details.details().empty()) return grpc::Status(code, message);
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  return grpc::Status(code, message, details.SerializeAsString());
}

}  // namespace tractus::services
