#include "service/config/yaml_documents.h"

#include <sstream>

#include "yaml-cpp/anchor.h"
#include "yaml-cpp/eventhandler.h"

namespace tributary::config::internal {
namespace {

// Notes whether a document holds anything but a null, and where its root
// starts. Everything else the parser reports is ignored.
class DocumentShape : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {
    empty_ = true;
    depth_ = 0;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    Root(mark, /*empty=*/true);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    Root(mark, false);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Root(mark, false);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&,
                       YAML::anchor_t, YAML::EmitterStyle::value) override {
    Root(mark, false);
    ++depth_;
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Root(mark, false);
    ++depth_;
  }
  void OnMapEnd() override { --depth_; }

  bool empty() const { return empty_; }
  const YAML::Mark& root_mark() const { return root_mark_; }

 private:
  void Root(const YAML::Mark& mark, bool empty) {
    if (depth_ == 0) {
      empty_ = empty;
      root_mark_ = mark;
    }
  }

  bool empty_ = true;
  int depth_ = 0;
  YAML::Mark root_mark_ = YAML::Mark::null_mark();
};

}  // namespace

YamlDocuments LoadYamlDocuments(const std::string& yaml) {
  YamlDocuments documents;
  std::istringstream stream(yaml);
  YAML::Parser parser(stream);
  DocumentShape shape;
  int last_empty_at = -1;
  while (parser.HandleNextDocument(shape)) {
    if (shape.empty()) {
      // An empty document where the last one was: the parser is stuck.
      if (shape.root_mark().pos == last_empty_at) {
        break;
      }
      last_empty_at = shape.root_mark().pos;
    }
    if (++documents.count == 2) {
      documents.second = shape.root_mark();
    }
  }
  if (documents.count > 0) {
    // YAML::Load reads the first document only, so it cannot loop.
    documents.first = YAML::Load(yaml);
  }
  return documents;
}

}  // namespace tributary::config::internal
