#pragma once
// The Database's side of a point-in-time snapshot (BGSAVE, AOF rewrites, replicas' full
// syncs) taken without fork. While a snapshot runs, each entry carries a mark saying
// whether the snapshot already has it (captured by the walk, or by this hook) or never
// will (created after the snapshot began). The first time anything is about to change,
// replace or remove an entry the snapshot does not have yet, the Database hands the
// entry, still unchanged, to capture(); so the snapshot sees every key as it was at its
// start, however the walk and the writes interleave.

#include "db/key_entry.h"

namespace corvid {

class SnapshotCapture {
 public:
  // Serialize `entry` (of database `db`) now: it is about to change.
  virtual void capture(int db, const KeyEntry& entry) = 0;

 protected:
  ~SnapshotCapture() = default;
};

}  // namespace corvid
