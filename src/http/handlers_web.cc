// Handlers: the web console (/) and the customer portal (/portal), a
// single-page application each. Files come from the binary (web_files.h) or,
// in development, from ApiOptions::static_dir (ATIENDE_WEB_DIR).
//
// Caching: Vite names the files under assets/ by their content hash, so they
// are immutable; the HTML pages name the current assets and are revalidated
// on every load (no-cache). A path that is no file is a deep link into one of
// the two applications, which route on the client; /api/… is never one.
#include <fstream>
#include <sstream>

#include "http/api.h"
#include "http/web_files.h"

namespace atiende::http {

namespace {

std::string_view ContentType(std::string_view path) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".json", "application/json"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext) return type;
  }
  return "application/octet-stream";
}

// A path segment that must not reach the file system: "", ".", "..", dot files.
bool UnsafeSegment(std::string_view s) {
  return s.empty() || s.front() == '.' || s.find('\\') != std::string_view::npos ||
         s.find('\0') != std::string_view::npos;
}

// The file `rel` (relative to the build output): from the directory when one
// is set, else from the binary. nullopt when there is none.
std::optional<std::string> ReadWebFile(const std::string& dir, const std::string& rel) {
  if (dir.empty()) {
    auto it = EmbeddedWebFiles().find(rel);
    if (it == EmbeddedWebFiles().end()) return std::nullopt;
    return std::string(it->second);
  }
  std::ifstream in(dir + "/" + rel, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool AcceptsGzip(std::string_view accept_encoding) {
  // "gzip", "gzip;q=1.0", "br, gzip"; a q=0 refusal is not worth parsing for.
  return accept_encoding.find("gzip") != std::string_view::npos;
}

}  // namespace

Result<Response> Api::WebPage(Request& req) {
  std::string_view path = req.path;
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string_view first = path.substr(0, path.find('/'));
  if (first == "api") return Status::NotFound("no such endpoint: " + req.path);
  for (std::string_view rest = path; !rest.empty();) {
    size_t slash = rest.find('/');
    if (UnsafeSegment(rest.substr(0, slash))) return Status::NotFound("no such file: " + req.path);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }

  std::string rel(path);
  std::optional<std::string> body;
  if (!rel.empty()) body = ReadWebFile(options_.static_dir, rel);
  if (!body) {
    // Not a file: a deep link (/tickets/CS0000001), unless it names a file
    // (a dot in the last segment), which would otherwise answer HTML to a
    // script tag.
    std::string_view last = path.substr(path.rfind('/') + 1);
    if (last.find('.') != std::string_view::npos) {
      return Status::NotFound("no such file: " + req.path);
    }
    rel = first == "portal" ? "portal.html" : "index.html";
    body = ReadWebFile(options_.static_dir, rel);
    if (!body) {
      return Status::Unavailable(
          "the console was not built into this binary (cmake -DATIENDE_WEB=ON); the API is at "
          "/api/v1/openapi.json");
    }
  }

  Response r;
  r.content_type = std::string(ContentType(rel));
  bool immutable = rel.rfind("assets/", 0) == 0;
  r.headers.emplace_back("Cache-Control",
                         immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (auto gz = ReadWebFile(options_.static_dir, rel + ".gz")) {
    r.headers.emplace_back("Vary", "Accept-Encoding");
    if (AcceptsGzip(req.accept_encoding)) {
      r.headers.emplace_back("Content-Encoding", "gzip");
      body = std::move(gz);
    }
  }
  if (r.content_type.rfind("text/html", 0) == 0) {
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                           "base-uri 'none'; frame-ancestors 'none'");
    r.headers.emplace_back("Referrer-Policy", "same-origin");
  }
  r.body = std::move(*body);
  return r;
}

}  // namespace atiende::http
