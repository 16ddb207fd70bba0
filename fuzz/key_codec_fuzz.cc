// Key codec and stored-value decoders on arbitrary bytes (a damaged file or
// a forged page token): never crash, never read out of bounds, and whatever
// decodes re-encodes to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "storage/key_codec.h"

using namespace tractus::storage;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  if (auto k = DecodeObservationKey(bytes); k.ok()) {
    if (ObservationKey(*k) != bytes) std::abort();
  }
  if (auto p = DecodePatientsByClinicKey(bytes); p.ok()) (void)p->size();
  if (auto e = DecodeEpisodesByPatientKey(bytes); e.ok()) (void)e->size();
  if (auto d = DecodeDevicesByClinicKey(bytes); d.ok()) (void)d->size();
  if (auto s = DecodeSessionsByEpisodeKey(bytes); s.ok()) (void)s->size();
  if (auto seq = DecodeTelemetryKeySeq(bytes); seq.ok()) (void)*seq;
  if (auto r = DecodeRequestRecord(bytes); r.ok()) {
    if (EncodeRequestRecord(*r) != bytes) std::abort();
  }
  if (auto c = DecodeChunkValue(bytes); c.ok()) {
    if (EncodeChunkValue(c->first_offset_ms, c->last_offset_ms, c->samples, c->chunk_bytes) !=
        bytes) {
      std::abort();
    }
  }
  // Arbitrary component sequences.
  KeyReader reader(bytes);
  std::string s;
  uint64_t u;
  int64_t i;
  for (int step = 0; step < 16 && !reader.done(); ++step) {
    bool ok = (step % 3 == 0) ? reader.Str(&s) : (step % 3 == 1) ? reader.U64(&u) : reader.I64(&i);
    if (!ok) break;
  }
  return 0;
}
