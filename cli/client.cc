#include "cli/client.h"

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace tractus::cli {

absl::Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  std::string message = status.error_message();
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      google::rpc::BadRequest bad;
      if (!any.UnpackTo(&bad)) continue;
      for (const auto& fv : bad.field_violations()) {
        absl::StrAppend(&message, "\n  ", fv.field(), ": ", fv.description());
      }
    }
  }
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), message);
}

std::optional<absl::Duration> RetryDelayOf(const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) return std::nullopt;
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) {
    return std::nullopt;
  }
  for (const auto& any : details.details()) {
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&retry)) {
      return absl::Seconds(retry.retry_delay().seconds()) +
             absl::Nanoseconds(retry.retry_delay().nanos());
    }
  }
  return std::nullopt;
}

Client::Client(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : deadline_(deadline),
      channel_(std::move(channel)),
      clinics_(v1::ClinicService::NewStub(channel_)),
      patients_(v1::PatientService::NewStub(channel_)),
      episodes_(v1::EpisodeService::NewStub(channel_)),
      observations_(v1::ObservationService::NewStub(channel_)),
      home_reports_(v1::HomeReportService::NewStub(channel_)),
      sessions_(v1::SessionService::NewStub(channel_)),
      outcomes_(v1::OutcomeService::NewStub(channel_)),
      device_admin_(v1::DeviceAdminService::NewStub(channel_)),
      admin_(v1::AdminService::NewStub(channel_)),
      auth_(v1::AuthService::NewStub(channel_)),
      exports_(v1::ExportService::NewStub(channel_)) {}

absl::Status Client::WaitForServer(absl::Duration timeout) const {
  if (channel_->WaitForConnected(std::chrono::system_clock::now() +
                                 absl::ToChronoMilliseconds(timeout))) {
    return absl::OkStatus();
  }
  return absl::UnavailableError("tractusd is not answering");
}

}  // namespace tractus::cli
