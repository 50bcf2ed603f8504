#include "client/cli/commands.h"

#include <cstdint>
#include <optional>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/blob_sink.h"
#include "client/cli/progress.h"
#include "client/cli/upstreams_output.h"
#include "client/image_reference.h"
#include "service/oci/quote.h"

namespace tributary::client::cli {
namespace {

constexpr char kUsagePayload[] = "type.tributary.dev/tributaryctl.UsageError";

void NoteIgnoredHost(const CommandContext& context, const std::string& host,
                     const std::string& asked) {
  context.console.err << "tributaryctl: note: ignoring registry host "
                      << oci::QuoteForError(host) << "; asking for "
                      << oci::QuoteForError(asked)
                      << " in Tributary's default registry\n";
}

// The call options for a repository on `host`: the request goes to that
// source registry (empty: the server's default), unless
// --ignore-registry-host drops the host, which is then said on stderr.
CallOptions CallFor(const CommandContext& context, const std::string& host,
                    const std::string& asked) {
  CallOptions call = context.call;
  if (host.empty()) {
    return call;
  }
  if (context.ignore_registry_host) {
    NoteIgnoredHost(context, host, asked);
    return call;
  }
  call.registry = host;
  return call;
}

// Operand `index` as an image reference, and the call options that route it.
struct ImageTarget {
  ImageReference reference;
  CallOptions call;
};

absl::StatusOr<ImageTarget> ImageOperand(const CommandContext& context,
                                         size_t index) {
  absl::StatusOr<ImageReference> reference =
      ParseImageReference(context.operands[index]);
  if (!reference.ok()) {
    return reference.status();
  }
  CallOptions call =
      CallFor(context, reference->registry_host, reference->ToString());
  return ImageTarget{*std::move(reference), std::move(call)};
}

// Operand `index` as a repository name, and the call options that route it.
struct RepositoryTarget {
  std::string repository;
  CallOptions call;
};

absl::StatusOr<RepositoryTarget> RepositoryOperand(
    const CommandContext& context, size_t index) {
  absl::StatusOr<RepositoryName> name =
      ParseRepositoryName(context.operands[index]);
  if (!name.ok()) {
    return name.status();
  }
  CallOptions call = CallFor(context, name->registry_host, name->repository);
  return RepositoryTarget{std::move(name->repository), std::move(call)};
}

// Where the answer came from, on stderr: for commands whose stdout is the
// data itself (manifest bytes, one tag a line), which a line would corrupt.
void NoteCache(const CommandContext& context, const v1::CacheInfo& cache) {
  context.console.err << "tributaryctl: cache: " << CacheText(cache) << "\n";
}

absl::Status RunManifest(const CommandContext& context) {
  absl::StatusOr<ImageTarget> target = ImageOperand(context, 0);
  if (!target.ok()) {
    return target.status();
  }
  const ImageReference& reference = target->reference;
  v1::GetManifestRequest request;
  request.set_repository(reference.repository);
  request.set_reference(reference.manifest_reference());
  for (const std::string& type : context.args.GetAll("accept")) {
    request.add_accepted_media_types(type);
  }
  absl::StatusOr<v1::GetManifestResponse> manifest =
      context.client.GetManifest(request, target->call);
  if (!manifest.ok()) {
    return manifest.status();
  }
  std::ostream& out = context.console.out;
  if (context.args.Has("raw")) {
    out << manifest->content() << std::flush;
    NoteCache(context, manifest->cache());
  } else if (context.format == Format::kText) {
    out << PrettyManifest(manifest->content()) << std::flush;
    NoteCache(context, manifest->cache());
  } else {
    PrintRecord(out, Format::kJson,
                Record{{"repository", reference.repository},
                       {"reference", reference.manifest_reference()},
                       {"digest", manifest->digest()},
                       {"media_type", manifest->media_type()},
                       {"size", manifest->size()},
                       {"upstream", manifest->upstream().name()},
                       {"cache", CacheValue(Format::kJson, manifest->cache())},
                       {"manifest", ManifestJson(manifest->content())}});
  }
  return absl::OkStatus();
}

absl::Status RunHeadManifest(const CommandContext& context) {
  absl::StatusOr<ImageTarget> target = ImageOperand(context, 0);
  if (!target.ok()) {
    return target.status();
  }
  const ImageReference& reference = target->reference;
  v1::HeadManifestRequest request;
  request.set_repository(reference.repository);
  request.set_reference(reference.manifest_reference());
  absl::StatusOr<v1::HeadManifestResponse> head =
      context.client.HeadManifest(request, target->call);
  if (!head.ok()) {
    return head.status();
  }
  PrintRecord(context.console.out, context.format,
              Record{{"repository", reference.repository},
                     {"reference", reference.manifest_reference()},
                     {"digest", head->digest()},
                     {"media_type", head->media_type()},
                     {"size", head->size()},
                     {"upstream", head->upstream().name()},
                     {"cache", CacheValue(context.format, head->cache())}});
  return absl::OkStatus();
}

absl::Status RunHeadBlob(const CommandContext& context) {
  absl::StatusOr<RepositoryTarget> target = RepositoryOperand(context, 0);
  if (!target.ok()) {
    return target.status();
  }
  const std::string& repository = target->repository;
  v1::HeadBlobRequest request;
  request.set_repository(repository);
  request.set_digest(context.operands[1]);
  absl::StatusOr<v1::HeadBlobResponse> head =
      context.client.HeadBlob(request, target->call);
  if (!head.ok()) {
    return head.status();
  }
  PrintRecord(context.console.out, context.format,
              Record{{"repository", repository},
                     {"digest", context.operands[1]},
                     {"size", head->size()},
                     {"upstream", head->upstream().name()},
                     {"cache", CacheValue(context.format, head->cache())}});
  return absl::OkStatus();
}

absl::Status RunPullBlob(const CommandContext& context) {
  absl::StatusOr<RepositoryTarget> target = RepositoryOperand(context, 0);
  if (!target.ok()) {
    return target.status();
  }
  const std::string& repository = target->repository;
  const std::string path = context.args.Get("file");
  if (path.empty()) {
    return UsageError("pull-blob needs -o FILE");
  }
  const std::string& digest = context.operands[1];
  absl::StatusOr<std::unique_ptr<FileSink>> sink = FileSink::Create(path);
  if (!sink.ok()) {
    return sink.status();
  }
  ProgressBar bar(context.console.err, context.console.err_is_terminal);
  absl::StatusOr<v1::BlobDescriptor> blob = context.client.DownloadBlob(
      repository, digest, **sink,
      [&bar](int64_t received, int64_t total) { bar.Update(received, total); },
      target->call);
  bar.Finish();
  if (!blob.ok()) {
    return blob.status();
  }
  PrintRecord(context.console.out, context.format,
              Record{{"repository", repository},
                     {"digest", blob->digest()},
                     {"size", blob->size()},
                     {"media_type", blob->media_type()},
                     {"upstream", blob->upstream().name()},
                     {"cache", CacheValue(context.format, blob->cache())},
                     {"file", path}});
  return absl::OkStatus();
}

absl::StatusOr<int> PageSize(const Args& args) {
  int page_size = 0;
  const std::string text = args.Get("page-size", "0");
  if (!absl::SimpleAtoi(text, &page_size) || page_size < 0) {
    return UsageError(
        absl::StrCat("--page-size must be a number of tags (0 or more), not \"",
                     text, "\""));
  }
  return page_size;
}

// Prints `record` (without "cache") and `cache`: as JSON one object, as text
// one tag a line and the cache on stderr.
void PrintTags(const CommandContext& context, Record record,
               const v1::CacheInfo& cache) {
  if (context.format == Format::kJson) {
    record["cache"] = CacheValue(Format::kJson, cache);
    PrintRecord(context.console.out, Format::kJson, record);
    return;
  }
  for (const auto& tag : record["tags"]) {
    context.console.out << tag.get<std::string>() << "\n";
  }
  context.console.out << std::flush;
  NoteCache(context, cache);
}

absl::Status RunTags(const CommandContext& context) {
  absl::StatusOr<RepositoryTarget> target = RepositoryOperand(context, 0);
  if (!target.ok()) {
    return target.status();
  }
  const std::string& repository = target->repository;
  absl::StatusOr<int> page_size = PageSize(context.args);
  if (!page_size.ok()) {
    return page_size.status();
  }
  if (context.args.Has("all")) {
    if (context.args.Has("last")) {
      return UsageError("--all starts at the first tag; drop --last");
    }
    absl::StatusOr<TagList> all =
        context.client.ListAllTags(repository, *page_size, target->call);
    if (!all.ok()) {
      return all.status();
    }
    PrintTags(context,
              Record{{"name", all->name},
                     {"tags", all->tags},
                     {"pages", all->pages},
                     {"upstream", all->upstream}},
              all->cache);
    return absl::OkStatus();
  }
  v1::ListTagsRequest request;
  request.set_repository(repository);
  request.set_page_size(*page_size);
  request.set_last(context.args.Get("last"));
  absl::StatusOr<v1::ListTagsResponse> page =
      context.client.ListTags(request, target->call);
  if (!page.ok()) {
    return page.status();
  }
  PrintTags(context,
            Record{{"name", page->name()},
                   {"tags", std::vector<std::string>(page->tags().begin(),
                                                     page->tags().end())},
                   {"next_last", page->next_last()},
                   {"upstream", page->upstream().name()}},
            page->cache());
  if (context.format == Format::kText && !page->next_last().empty()) {
    context.console.err << "tributaryctl: note: more tags follow; pass --all, "
                           "or --last "
                        << page->next_last() << " for the next page\n";
  }
  return absl::OkStatus();
}

absl::Status RunUpstreams(const CommandContext& context) {
  absl::StatusOr<v1::ListUpstreamsResponse> list =
      context.client.ListUpstreams(context.call);
  if (!list.ok()) {
    return list.status();
  }
  std::ostream& out = context.console.out;
  if (context.format == Format::kJson) {
    Record upstreams = Record::array();
    for (const v1::UpstreamStatus& upstream : list->upstreams()) {
      upstreams.push_back(UpstreamRecord(upstream));
    }
    PrintRecord(out, Format::kJson, Record{{"upstreams", upstreams}});
    return absl::OkStatus();
  }
  PrintUpstreamsTable(out, *list);
  return absl::OkStatus();
}

}  // namespace

absl::Status UsageError(const std::string& message) {
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kUsagePayload, absl::Cord("1"));
  return status;
}

bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsagePayload).has_value();
}

const std::vector<Command>& Commands() {
  static const std::vector<Command>* const commands = new std::vector<Command>{
      {"manifest",
       "manifest REF [--raw] [--accept MEDIA_TYPE]...\n"
       "      Prints the manifest (pretty JSON; --raw: the exact bytes).",
       1,
       1,
       {{.name = "raw", .takes_value = false}, {.name = "accept"}},
       RunManifest},
      {"head-manifest",
       "head-manifest REF\n"
       "      Prints the manifest's digest, media type, size and upstream.",
       1,
       1,
       {},
       RunHeadManifest},
      {"head-blob",
       "head-blob REPO DIGEST\n"
       "      Prints the blob's size and upstream.",
       2,
       2,
       {},
       RunHeadBlob},
      {"pull-blob",
       "pull-blob REPO DIGEST -o FILE\n"
       "      Downloads the blob to FILE, verifying its digest; a bad blob\n"
       "      leaves no file. Progress bar on a terminal.",
       2,
       2,
       {{.name = "file", .short_name = 'o'}},
       RunPullBlob},
      {"tags",
       "tags REPO [--page-size N] [--last TAG] [--all]\n"
       "      Prints one page of tags; --all follows every page.",
       1,
       1,
       {{.name = "page-size"},
        {.name = "last"},
        {.name = "all", .takes_value = false}},
       RunTags},
      {"upstreams",
       "upstreams\n"
       "      Lists the configured upstreams in the order they are asked.",
       0,
       0,
       {},
       RunUpstreams},
  };
  return *commands;
}

}  // namespace tributary::client::cli
