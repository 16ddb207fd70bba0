// Metrics: the Prometheus endpoint (/metrics on --metrics_listen). Counters
// and histograms are updated as calls and chunks pass; gauges (open upload
// streams, export jobs, RocksDB memory and compaction debt, alerts raised)
// are read from their owners at scrape time.
//
// Thread-safe.
#ifndef TRACTUS_SERVICES_METRICS_H_
#define TRACTUS_SERVICES_METRICS_H_

#include <grpcpp/support/status_code_enum.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace prometheus {
class Counter;
class Exposer;
class Registry;
template <typename T>
class Family;
class Histogram;
}  // namespace prometheus

namespace tractus::services {

class Metrics {
 public:
  // A value read at scrape time: name, help, reader; a counter (only
  // grows) or a gauge.
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
    bool counter = false;
  };

  // `listen` (HOST:PORT, port 0 picks one) serves /metrics; empty: the
  // metrics are kept but not served.
  static absl::StatusOr<std::unique_ptr<Metrics>> Start(const std::string& listen,
                                                        std::vector<Gauge> gauges);
  ~Metrics();

  // HOST:PORT of the endpoint; empty when not served.
  const std::string& address() const { return address_; }

  // One finished call.
  void ObserveCall(absl::string_view method, grpc::StatusCode code,
                   std::chrono::steady_clock::duration latency);

 private:
  Metrics() = default;
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<class GaugeCollector> gauges_;
  prometheus::Family<prometheus::Counter>* calls_ = nullptr;
  prometheus::Family<prometheus::Histogram>* latency_ = nullptr;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::string address_;
};

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_METRICS_H_
