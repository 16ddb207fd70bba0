#include "services/metrics.h"

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "services/transport.h"

namespace tractus::services {

class GaugeCollector final : public prometheus::Collectable {
 public:
  explicit GaugeCollector(std::vector<Metrics::Gauge> gauges) : gauges_(std::move(gauges)) {}
  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> out;
    for (const Metrics::Gauge& g : gauges_) {
      prometheus::MetricFamily family;
      family.name = g.name;
      family.help = g.help;
      family.type = g.counter ? prometheus::MetricType::Counter : prometheus::MetricType::Gauge;
      prometheus::ClientMetric metric;
      if (g.counter) {
        metric.counter.value = g.read();
      } else {
        metric.gauge.value = g.read();
      }
      family.metric.push_back(std::move(metric));
      out.push_back(std::move(family));
    }
    return out;
  }

 private:
  const std::vector<Metrics::Gauge> gauges_;
};

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Start(const std::string& listen,
                                                        std::vector<Gauge> gauges) {
  std::unique_ptr<Metrics> m(new Metrics());
  m->registry_ = std::make_shared<prometheus::Registry>();
  m->calls_ = &prometheus::BuildCounter()
                   .Name("tractus_rpc_calls_total")
                   .Help("Finished gRPC calls by method and status code")
                   .Register(*m->registry_);
  m->latency_ = &prometheus::BuildHistogram()
                     .Name("tractus_rpc_latency_seconds")
                     .Help("gRPC call latency by method (streams: their whole life)")
                     .Register(*m->registry_);
  m->gauges_ = std::make_shared<GaugeCollector>(std::move(gauges));
  if (listen.empty()) return m;
  ASSIGN_OR_RETURN(HostPort where, ParseListen(listen, "metrics_listen"));
  try {
    m->exposer_ = std::make_unique<prometheus::Exposer>(listen);
  } catch (const std::exception& e) {  // civetweb reports bind failures by throwing
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen));
  }
  m->exposer_->RegisterCollectable(m->registry_);
  m->exposer_->RegisterCollectable(m->gauges_);
  const std::vector<int> ports = m->exposer_->GetListeningPorts();
  m->address_ = absl::StrCat(where.host, ":", ports.empty() ? where.port : ports[0]);
  return m;
}

Metrics::~Metrics() = default;

void Metrics::ObserveCall(absl::string_view method, grpc::StatusCode code,
                          std::chrono::steady_clock::duration latency) {
  const std::string name(method);
  calls_->Add({{"method", name}, {"code", absl::StatusCodeToString(static_cast<absl::StatusCode>(code))}})
      .Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30};
  latency_->Add({{"method", name}}, kBuckets)
      .Observe(std::chrono::duration<double>(latency).count());
}

}  // namespace tractus::services
