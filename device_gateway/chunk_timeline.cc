#include "device_gateway/chunk_timeline.h"

namespace tractus::device_gateway {

void ChunkTimeline::Add(uint32_t seq, ChunkSpan span) {
  if (seq != next_seq_) {
    above_.emplace(seq, span);
    return;
  }
  ++next_seq_;
  last_of_prefix_ = span;
  // Chunks stored earlier above the gap just filled join the prefix.
  for (auto it = above_.begin(); it != above_.end() && it->first == next_seq_;
       it = above_.erase(it)) {
    ++next_seq_;
    last_of_prefix_ = it->second;
  }
}

bool ChunkTimeline::Stored(uint32_t seq) const {
  return seq < next_seq_ || above_.count(seq) > 0;
}

std::optional<ChunkSpan> ChunkTimeline::SpanOf(uint32_t seq) const {
  if (next_seq_ > 0 && seq == next_seq_ - 1) return last_of_prefix_;
  auto it = above_.find(seq);
  if (it == above_.end()) return std::nullopt;
  return it->second;
}

std::vector<uint32_t> ChunkTimeline::StoredAbove() const {
  std::vector<uint32_t> out;
  out.reserve(above_.size());
  for (const auto& [seq, span] : above_) out.push_back(seq);
  return out;
}

}  // namespace tractus::device_gateway
