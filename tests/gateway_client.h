// Test helpers for the device gateway over gRPC: a clinic with an open
// episode, enrolled devices, authenticated upload streams, and chunks.
#ifndef TRACTUS_TESTS_GATEWAY_CLIENT_H_
#define TRACTUS_TESTS_GATEWAY_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "cli/client.h"
#include "tests/test_accounts.h"
#include "tractus/v1/device.grpc.pb.h"
#include "tractus/v1/session.grpc.pb.h"

namespace tractus::testing {

using UploadStream =
    grpc::ClientReaderWriter<v1::UploadSessionRequest, v1::UploadSessionResponse>;

class GatewayClient {
 public:
  // Staff calls (records, sessions, enrollment tokens) go as the test
  // clinician of `keys`; device calls carry the credential of their context.
  GatewayClient(const std::string& address, const TestKeys& keys);

  // A clinic (granted to the test clinician) with one patient and an open
  // episode (plan maximum 400 N).
  // Returns the episode id; *clinic_id receives the clinic's.
  std::string MakeEpisode(const std::string& tag, std::string* clinic_id);
  // Enrolls a table with `clinic_id`; returns its credential.
  std::string Enroll(const std::string& clinic_id, const std::string& serial);

  // Uploads a session in lock-step as the device with `credential`: the
  // header, chunks 0..chunks-1 of `samples` samples each, then an end
  // (completed) if `finish`. The stream's final status (an error if a
  // message went unanswered).
  // Without `finish` no end is sent, and the server's ABORTED (the session
  // left open, as asked) is returned as OK.
  grpc::Status UploadWholeSession(const std::string& credential, const v1::SessionHeader& header,
                                  int chunks, int samples = 100, bool finish = true);

  // The server's id (Session.session_id) of the session the device with
  // `credential` calls `device_session_id`, from GetUploadState; empty if
  // the device has no such session or the call fails.
  std::string ServerSessionId(const std::string& credential, const std::string& device_session_id);

  // A context carrying `credential` (none if empty) and a deadline.
  static std::unique_ptr<grpc::ClientContext> Context(const std::string& credential,
                                                      absl::Duration deadline = absl::Seconds(20));

  static v1::SessionHeader Header(const std::string& session_id, const std::string& episode_id,
                                  absl::Time device_start, absl::Time device_send);
  // `n` samples at 10 Hz continuing from chunk seq-1, force `newtons`.
  static v1::TelemetryChunk Chunk(uint32_t seq, int n = 100, int newtons = 390);

  v1::DeviceService::Stub* device() { return device_.get(); }
  v1::DeviceAdminService::Stub* admin() { return admin_.get(); }
  v1::SessionService::Stub* sessions() { return sessions_.get(); }
  cli::Client& records() { return records_; }

 private:
  std::string address_;
  TestKeys keys_;
  std::shared_ptr<grpc::Channel> staff_channel_;
  std::shared_ptr<grpc::Channel> device_channel_;
  std::unique_ptr<v1::DeviceService::Stub> device_;
  std::unique_ptr<v1::DeviceAdminService::Stub> admin_;
  std::unique_ptr<v1::SessionService::Stub> sessions_;
  cli::Client records_;
};

}  // namespace tractus::testing

#endif  // TRACTUS_TESTS_GATEWAY_CLIENT_H_
