#include "bench/soak_worker.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "service/oci/digest.h"

namespace tributary::bench {

// One call as picked, with what a right answer holds.
struct SoakWorker::Plan {
  CallShape shape;
  std::string repository;
  std::string reference;  // a tag or a digest (manifests), a digest (blobs)
  std::string want_digest;
  int64_t want_size = 0;
  // ListTags: the repository's tags, sorted, and the page asked for.
  const std::vector<std::string>* want_tags = nullptr;
  int page_size = 0;
  std::string last;
  client::CallOptions call;
  int64_t cancel_after = 0;  // kCancelMidStream: bytes read before it
  absl::Duration pause;      // kReadSlowly: after each kSlowStep bytes
};

namespace {

using oci::DigestAlgorithm;

constexpr int64_t kSlowStep = 256 << 10;
// Operations by weight: blobs dominate a pull, as they do the soak's time.
constexpr double kOperationWeights[kOperationCount] = {14, 10, 10, 10, 10, 40};
constexpr double kMissing = 0.05;
constexpr double kShortDeadline = 0.08;
constexpr double kRefresh = 0.25;
// GetBlob only, cumulative: cancel, then read slowly, then stall.
constexpr double kCancel = 0.12;
constexpr double kSlow = 0.24;
constexpr double kStall = 0.27;

std::string Sha256(std::string_view bytes) {
  return oci::ComputeDigest(DigestAlgorithm::kSha256, bytes).str();
}

// Receives one blob: hashes every byte here (whatever the client library
// checks), and reads as the plan says: slowly, with one long stall, or
// cancelling part-way. Not thread-safe.
class VerifyingSink final : public client::BlobSink {
 public:
  VerifyingSink(const WorkerOptions& options, WorkerAction action,
                int64_t cancel_after, absl::Duration pause)
      : options_(options),
        action_(action),
        cancel_after_(cancel_after),
        pause_(pause),
        hasher_(DigestAlgorithm::kSha256) {}

  absl::Status Write(absl::string_view bytes) override {
    hasher_.Update(std::string_view(bytes.data(), bytes.size()));
    received_ += static_cast<int64_t>(bytes.size());
    switch (action_) {
      case WorkerAction::kStallReading:
        if (!stalled_) {
          stalled_ = true;
          absl::SleepFor(options_.stall);
        }
        break;
      case WorkerAction::kReadSlowly:
        unpaused_ += static_cast<int64_t>(bytes.size());
        for (; unpaused_ >= kSlowStep; unpaused_ -= kSlowStep) {
          absl::SleepFor(pause_);
        }
        break;
      case WorkerAction::kCancelMidStream:
        if (received_ > cancel_after_) {
          return absl::CancelledError("the soak worker cancelled mid-stream");
        }
        break;
      case WorkerAction::kNone:
      case WorkerAction::kShortDeadline:
        break;
    }
    return absl::OkStatus();
  }

  absl::Status Commit() override {
    digest_ = hasher_.Finish().str();
    return absl::OkStatus();
  }
  void Abort(const absl::Status&) override {}

  int64_t received() const { return received_; }
  // Set by Commit: what the bytes hash to here.
  const std::optional<std::string>& digest() const { return digest_; }

 private:
  const WorkerOptions& options_;
  const WorkerAction action_;
  const int64_t cancel_after_;
  const absl::Duration pause_;
  oci::DigestHasher hasher_;
  int64_t received_ = 0;
  int64_t unpaused_ = 0;
  bool stalled_ = false;
  std::optional<std::string> digest_;
};

// The page of `tags` (sorted) after `last`, at most `page_size` (0: all).
std::vector<std::string> PageOf(const std::vector<std::string>& tags,
                                const std::string& last, int page_size) {
  auto begin = last.empty() ? tags.begin()
                            : std::upper_bound(tags.begin(), tags.end(), last);
  auto end = page_size > 0 && tags.end() - begin > page_size ? begin + page_size
                                                             : tags.end();
  return std::vector<std::string>(begin, end);
}

}  // namespace

SoakWorker::SoakWorker(const client::Client& client, const Catalog& catalog,
                       SoakTally& tally, uint64_t seed, WorkerOptions options)
    : client_(client),
      catalog_(catalog),
      tally_(tally),
      random_(seed),
      options_(options) {
  for (const Image& image : catalog_.images) {
    if (image.kind.placement == Placement::kHealthy) {
      healthy_images_.push_back(&image);
    }
  }
  for (const Blob& blob : catalog_.blobs) {
    if (blob.kind.placement == Placement::kHealthy) {
      healthy_blobs_.push_back(&blob);
    }
  }
}

void SoakWorker::RunUntil(absl::Time end) {
  while (absl::Now() < end) {
    const Plan plan = Pick();
    tally_.Record(Run(plan));
  }
}

bool SoakWorker::Chance(double probability) {
  return std::uniform_real_distribution<double>(0, 1)(random_) < probability;
}

absl::Duration SoakWorker::Between(absl::Duration low, absl::Duration high) {
  return low +
         (high - low) * std::uniform_real_distribution<double>(0, 1)(random_);
}

size_t SoakWorker::Below(size_t bound) {
  return bound == 0
             ? 0
             : std::uniform_int_distribution<size_t>(0, bound - 1)(random_);
}

std::string SoakWorker::MadeUpDigest() {
  return Sha256(absl::StrCat("made up by the soak ", random_()));
}

SoakWorker::Plan SoakWorker::Pick() {
  Plan plan;
  std::discrete_distribution<int> operations(std::begin(kOperationWeights),
                                             std::end(kOperationWeights));
  const Operation operation = static_cast<Operation>(operations(random_));
  plan.shape.operation = operation;
  plan.shape.missing = Chance(kMissing);
  const bool missing = plan.shape.missing;
  switch (operation) {
    case Operation::kGetManifestByTag:
    case Operation::kGetManifestByDigest:
    case Operation::kHeadManifest:
    case Operation::kListTags: {
      const Image& image = missing
                               ? *healthy_images_[Below(healthy_images_.size())]
                               : catalog_.images[Below(catalog_.images.size())];
      plan.shape.kind = image.kind;
      plan.repository = image.repository;
      plan.want_digest = image.digest;
      plan.want_size = image.size;
      const bool by_digest =
          operation == Operation::kGetManifestByDigest ||
          (operation == Operation::kHeadManifest && Chance(0.5));
      plan.reference = by_digest ? image.digest : image.tag;
      if (missing) {
        plan.reference = by_digest ? MadeUpDigest()
                                   : absl::StrCat("missing-", random_() % 1000);
      }
      if (operation == Operation::kListTags) {
        plan.want_tags = &catalog_.tags.at(image.repository);
        plan.page_size = static_cast<int>(Below(4));
        plan.last =
            Chance(0.5) ? "" : (*plan.want_tags)[Below(plan.want_tags->size())];
        if (missing) {
          plan.repository = absl::StrCat("soak/missing-", random_() % 1000);
        }
      }
      break;
    }
    case Operation::kHeadBlob:
    case Operation::kGetBlob: {
      const Blob& blob = missing ? *healthy_blobs_[Below(healthy_blobs_.size())]
                                 : catalog_.blobs[Below(catalog_.blobs.size())];
      plan.shape.kind = blob.kind;
      plan.repository = blob.repository;
      plan.reference = missing ? MadeUpDigest() : blob.digest;
      plan.want_digest = plan.reference;
      plan.want_size = blob.size;
      break;
    }
  }
  const bool blob = operation == Operation::kGetBlob;
  if (Chance(kShortDeadline)) {
    plan.shape.action = WorkerAction::kShortDeadline;
    plan.call.timeout =
        blob ? Between(absl::Milliseconds(50), absl::Seconds(1))
             : Between(absl::Milliseconds(2), absl::Milliseconds(300));
  } else if (blob && !missing) {
    const double draw = std::uniform_real_distribution<double>(0, 1)(random_);
    if (draw < kCancel) {
      plan.shape.action = WorkerAction::kCancelMidStream;
      plan.cancel_after = static_cast<int64_t>(
          Below(static_cast<size_t>(std::max<int64_t>(plan.want_size, 1))));
    } else if (draw < kSlow) {
      plan.shape.action = WorkerAction::kReadSlowly;
      plan.pause = Between(absl::Milliseconds(5), absl::Milliseconds(30));
    } else if (draw < kStall) {
      plan.shape.action = WorkerAction::kStallReading;
    }
  }
  if (!plan.call.timeout.has_value()) {
    plan.call.timeout = blob ? options_.blob_timeout : options_.unary_timeout;
  }
  if (Chance(kRefresh)) {
    plan.call.cache_mode = v1::CACHE_MODE_REFRESH;
  }
  return plan;
}

CallOutcome SoakWorker::Run(const Plan& plan) {
  switch (plan.shape.operation) {
    case Operation::kGetManifestByTag:
    case Operation::kGetManifestByDigest:
      return GetManifest(plan);
    case Operation::kHeadManifest:
      return HeadManifest(plan);
    case Operation::kHeadBlob:
      return HeadBlob(plan);
    case Operation::kListTags:
      return ListTags(plan);
    case Operation::kGetBlob:
      return GetBlob(plan);
  }
  return CallOutcome{.shape = plan.shape};
}

CallOutcome SoakWorker::GetManifest(const Plan& plan) {
  v1::GetManifestRequest request;
  request.set_repository(plan.repository);
  request.set_reference(plan.reference);
  absl::StatusOr<v1::GetManifestResponse> response =
      client_.GetManifest(request, plan.call);
  CallOutcome outcome{.shape = plan.shape, .status = response.status()};
  if (!response.ok() || plan.shape.missing) {
    return outcome;
  }
  const std::string hashed = Sha256(response->content());
  if (hashed != plan.want_digest || response->digest() != plan.want_digest ||
      response->size() != plan.want_size ||
      static_cast<int64_t>(response->content().size()) != plan.want_size) {
    outcome.wrong_answer = absl::StrCat(
        plan.repository, ":", plan.reference, ": content hashes to ", hashed,
        ", digest ", response->digest(), ", size ", response->size(), "; want ",
        plan.want_digest, ", ", plan.want_size, " bytes");
  }
  return outcome;
}

CallOutcome SoakWorker::HeadManifest(const Plan& plan) {
  v1::HeadManifestRequest request;
  request.set_repository(plan.repository);
  request.set_reference(plan.reference);
  absl::StatusOr<v1::HeadManifestResponse> response =
      client_.HeadManifest(request, plan.call);
  CallOutcome outcome{.shape = plan.shape, .status = response.status()};
  if (response.ok() && !plan.shape.missing &&
      (response->digest() != plan.want_digest ||
       response->size() != plan.want_size)) {
    outcome.wrong_answer =
        absl::StrCat(plan.repository, ":", plan.reference, ": digest ",
                     response->digest(), ", size ", response->size(), "; want ",
                     plan.want_digest, ", ", plan.want_size);
  }
  return outcome;
}

CallOutcome SoakWorker::HeadBlob(const Plan& plan) {
  v1::HeadBlobRequest request;
  request.set_repository(plan.repository);
  request.set_digest(plan.reference);
  absl::StatusOr<v1::HeadBlobResponse> response =
      client_.HeadBlob(request, plan.call);
  CallOutcome outcome{.shape = plan.shape, .status = response.status()};
  if (response.ok() && !plan.shape.missing &&
      response->size() != plan.want_size) {
    outcome.wrong_answer =
        absl::StrCat(plan.repository, "@", plan.reference, ": size ",
                     response->size(), "; want ", plan.want_size);
  }
  return outcome;
}

CallOutcome SoakWorker::ListTags(const Plan& plan) {
  v1::ListTagsRequest request;
  request.set_repository(plan.repository);
  request.set_page_size(plan.page_size);
  request.set_last(plan.last);
  absl::StatusOr<v1::ListTagsResponse> response =
      client_.ListTags(request, plan.call);
  CallOutcome outcome{.shape = plan.shape, .status = response.status()};
  if (!response.ok() || plan.shape.missing) {
    return outcome;
  }
  const std::vector<std::string> want =
      PageOf(*plan.want_tags, plan.last, plan.page_size);
  const std::vector<std::string> got(response->tags().begin(),
                                     response->tags().end());
  const bool more = PageOf(*plan.want_tags, plan.last, 0).size() > want.size();
  // With no more tags, a next_last naming this page's last tag (a registry
  // that does not know it was the last page) is as good as none.
  const bool next_ok =
      more ? !want.empty() && response->next_last() == want.back()
           : response->next_last().empty() ||
                 (!want.empty() && response->next_last() == want.back());
  if (got != want || !next_ok) {
    outcome.wrong_answer = absl::StrCat(
        plan.repository, " page_size ", plan.page_size, " last \"", plan.last,
        "\": got ", got.size(), " tags [", absl::StrJoin(got, ","),
        "] next_last \"", response->next_last(), "\"; want [",
        absl::StrJoin(want, ","), "]", more ? " and more" : "");
  }
  return outcome;
}

CallOutcome SoakWorker::GetBlob(const Plan& plan) {
  VerifyingSink sink(options_, plan.shape.action, plan.cancel_after,
                     plan.pause);
  absl::StatusOr<v1::BlobDescriptor> descriptor = client_.DownloadBlob(
      plan.repository, plan.reference, sink, nullptr, plan.call);
  CallOutcome outcome{.shape = plan.shape,
                      .status = descriptor.status(),
                      .blob_bytes = sink.received()};
  if (!descriptor.ok() || plan.shape.missing) {
    return outcome;
  }
  outcome.blob_verified = sink.digest() == plan.want_digest &&
                          sink.received() == plan.want_size &&
                          descriptor->size() == plan.want_size;
  if (!outcome.blob_verified) {
    outcome.wrong_answer = absl::StrCat(
        plan.repository, "@", plan.reference, ": ", sink.received(),
        " bytes hashing to ", sink.digest().value_or("(never committed)"),
        ", descriptor size ", descriptor->size(), "; want ", plan.want_size,
        " bytes");
  }
  return outcome;
}

}  // namespace tributary::bench
