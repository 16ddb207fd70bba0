// Server: the one place that wires tractusd together — store, domain,
// gRPC services, health and reflection. Used by tractusd's main() and by the
// end-to-end tests (in process, on 127.0.0.1:0).
//
// Thread-safe after Start(): Shutdown() may be called from any thread, once.
#ifndef TRACTUS_SERVICES_SERVER_H_
#define TRACTUS_SERVICES_SERVER_H_

#include <grpcpp/server.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "device_gateway/devices.h"
#include "device_gateway/stream_slots.h"
#include "device_gateway/uploads.h"
#include "records/records.h"
#include "outcomes/outcomes.h"
#include "services/admin_services.h"
#include "services/device_services.h"
#include "services/outcome_services.h"
#include "services/record_services.h"
#include "storage/store.h"

namespace tractus::services {

struct ServerConfig {
  // HOST:PORT; port 0 picks a free port (see Server::address()).
  std::string listen = "127.0.0.1:50051";
  std::string data_dir = "var/tractus-data";
  // fsync the write-ahead log before acknowledging a write.
  bool sync_wal = true;
  // Largest request accepted, bytes.
  int max_receive_message_bytes = 4 << 20;
  // Largest number of threads serving calls (an open upload stream holds
  // one).
  int max_threads = 64;
  // Device gateway limits (advertised by GetUploadLimits).
  device_gateway::UploadConfig uploads;
};

class Server {
 public:
  // Opens the data dir and starts serving. `clock` must outlive the server.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerConfig& config,
                                                       const Clock* clock);
  ~Server();

  // The bound address, HOST:PORT, with the real port when 0 was asked for.
  const std::string& address() const { return address_; }

  // Stops accepting calls, marks health NOT_SERVING, lets in-flight calls
  // finish until `grace` has passed (then cancels them), and closes the
  // store. Returns the store's close status. Idempotent.
  absl::Status Shutdown(absl::Duration grace);

  // Blocks until Shutdown() has stopped the gRPC server.
  void Wait();

 private:
  Server() = default;

  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<records::Records> records_;
  std::unique_ptr<ClinicServiceImpl> clinics_;
  std::unique_ptr<PatientServiceImpl> patients_;
  std::unique_ptr<EpisodeServiceImpl> episodes_;
  std::unique_ptr<ObservationServiceImpl> observations_;
  std::unique_ptr<HomeReportServiceImpl> home_reports_;
  std::unique_ptr<device_gateway::Devices> devices_;
  std::unique_ptr<device_gateway::Uploads> uploads_;
  std::unique_ptr<device_gateway::StreamSlots> stream_slots_;
  std::unique_ptr<DeviceAdminServiceImpl> device_admin_;
  std::unique_ptr<DeviceServiceImpl> device_service_;
  std::unique_ptr<SessionServiceImpl> sessions_;
  std::unique_ptr<outcomes::Outcomes> outcomes_;
  std::unique_ptr<OutcomeServiceImpl> outcome_service_;
  std::unique_ptr<AdminServiceImpl> admin_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::string address_;
  bool shut_down_ = false;
};

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_SERVER_H_
