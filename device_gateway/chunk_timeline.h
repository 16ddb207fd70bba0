// ChunkTimeline: which chunks of one session are stored and where the
// samples of those a new chunk could neighbour lie in time, so a chunk can
// be checked and stored without reading the store. Kept compactly: the
// stored prefix 0..next_seq-1 is one number and the last chunk's span; only
// chunks stored out of order (above a gap) are kept one by one.
//
// Pure; not thread-safe (OpenSessions guards it).
#ifndef TRACTUS_DEVICE_GATEWAY_CHUNK_TIMELINE_H_
#define TRACTUS_DEVICE_GATEWAY_CHUNK_TIMELINE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace tractus::device_gateway {

// The first and last sample offsets of a stored chunk.
struct ChunkSpan {
  int64_t first_ms = 0;
  int64_t last_ms = 0;
};

class ChunkTimeline {
 public:
  // Records that chunk `seq` is stored. REQUIRES: !Stored(seq).
  void Add(uint32_t seq, ChunkSpan span);

  bool Stored(uint32_t seq) const;

  // The span of stored chunk `seq` when seq >= next_seq() - 1 (the spans of
  // earlier chunks are not kept: a chunk not yet stored never neighbours
  // them); nullopt when not stored or not kept.
  std::optional<ChunkSpan> SpanOf(uint32_t seq) const;

  // Chunks 0..next_seq()-1 are all stored, chunk next_seq() is not.
  uint32_t next_seq() const { return next_seq_; }
  // Stored chunks above next_seq(), ascending.
  std::vector<uint32_t> StoredAbove() const;
  size_t stored_above_count() const { return above_.size(); }
  uint64_t stored_count() const { return next_seq_ + above_.size(); }

 private:
  uint32_t next_seq_ = 0;
  ChunkSpan last_of_prefix_;  // chunk next_seq_-1's, if next_seq_ > 0
  std::map<uint32_t, ChunkSpan> above_;
};

}  // namespace tractus::device_gateway

#endif  // TRACTUS_DEVICE_GATEWAY_CHUNK_TIMELINE_H_
