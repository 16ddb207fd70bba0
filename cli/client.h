// A client of tractusd for the CLI: one channel, a stub per service, a
// deadline on every call, gRPC errors turned into readable absl statuses
// (including each google.rpc.BadRequest field violation).
#ifndef TRACTUS_CLI_CLIENT_H_
#define TRACTUS_CLI_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tractus/v1/admin.grpc.pb.h"
#include "tractus/v1/auth.grpc.pb.h"
#include "tractus/v1/clinic.grpc.pb.h"
#include "tractus/v1/device.grpc.pb.h"
#include "tractus/v1/episode.grpc.pb.h"
#include "tractus/v1/export.grpc.pb.h"
#include "tractus/v1/home_report.grpc.pb.h"
#include "tractus/v1/observation.grpc.pb.h"
#include "tractus/v1/outcomes.grpc.pb.h"
#include "tractus/v1/patient.grpc.pb.h"
#include "tractus/v1/session.grpc.pb.h"

namespace tractus::cli {

// An absl::Status with the gRPC code and message, and the field violations
// of a BadRequest detail appended to the message.
absl::Status FromGrpc(const grpc::Status& status);

// The google.rpc.RetryInfo delay of a RESOURCE_EXHAUSTED status; nullopt
// for other statuses or when the server gave none.
std::optional<absl::Duration> RetryDelayOf(const grpc::Status& status);

// Thread-safe (gRPC stubs are).
class Client {
 public:
  // Every call goes through `channel` (see channel.h for TLS and the
  // bearer secret).
  Client(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline);

  // Calls `method` on `stub` with a fresh context bounded by the deadline:
  //   auto resp = client.Call(&v1::ClinicService::Stub::GetClinic,
  //                           client.clinics(), request);
  // A RESOURCE_EXHAUSTED answer with a retry delay (a rate limit) is retried
  // after that delay, a few times.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      Stub* stub, const Request& request) const {
    for (int attempt = 0;; ++attempt) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           absl::ToChronoMilliseconds(deadline_));
      Response response;
      grpc::Status status = (stub->*method)(&context, request, &response);
      if (status.ok()) return response;
      const std::optional<absl::Duration> delay = RetryDelayOf(status);
      if (!delay.has_value() || attempt >= kRetries || *delay > absl::Seconds(5)) {
        return FromGrpc(status);
      }
      absl::SleepFor(*delay);
    }
  }

  // Waits until the server answers (up to `timeout`).
  absl::Status WaitForServer(absl::Duration timeout) const;

  v1::ClinicService::Stub* clinics() const { return clinics_.get(); }
  v1::PatientService::Stub* patients() const { return patients_.get(); }
  v1::EpisodeService::Stub* episodes() const { return episodes_.get(); }
  v1::ObservationService::Stub* observations() const { return observations_.get(); }
  v1::HomeReportService::Stub* home_reports() const { return home_reports_.get(); }
  v1::SessionService::Stub* sessions() const { return sessions_.get(); }
  v1::OutcomeService::Stub* outcomes() const { return outcomes_.get(); }
  v1::DeviceAdminService::Stub* device_admin() const { return device_admin_.get(); }
  v1::AdminService::Stub* admin() const { return admin_.get(); }
  v1::AuthService::Stub* auth() const { return auth_.get(); }
  v1::ExportService::Stub* exports() const { return exports_.get(); }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  static constexpr int kRetries = 8;
  absl::Duration deadline_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ClinicService::Stub> clinics_;
  std::unique_ptr<v1::PatientService::Stub> patients_;
  std::unique_ptr<v1::EpisodeService::Stub> episodes_;
  std::unique_ptr<v1::ObservationService::Stub> observations_;
  std::unique_ptr<v1::HomeReportService::Stub> home_reports_;
  std::unique_ptr<v1::SessionService::Stub> sessions_;
  std::unique_ptr<v1::OutcomeService::Stub> outcomes_;
  std::unique_ptr<v1::DeviceAdminService::Stub> device_admin_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::AuthService::Stub> auth_;
  std::unique_ptr<v1::ExportService::Stub> exports_;
};

}  // namespace tractus::cli

#endif  // TRACTUS_CLI_CLIENT_H_
