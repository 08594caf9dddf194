// ParseXlsx: the first sheet of an Office Open XML workbook into a Table. See
// table.h. The zip is read from memory with libzip, the parts with pugixml.
// Element names are matched without their namespace prefix, so "x:row" and "row"
// read the same.
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <utility>
#include <vector>

#include "import/table.h"

namespace atiende::import {

namespace {

using internal::RowError;

constexpr std::size_t kExcelMaxRow = 1'048'576;

Status NotXlsx(std::string detail) {
  return Status::InvalidArgument("not a valid XLSX file: " + std::move(detail));
}

// --- zip -------------------------------------------------------------------

struct ZipDiscard {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileClose {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDiscard>;

// Opens `bytes` as a zip archive without copying them; `bytes` must outlive it.
Result<ZipPtr> OpenZip(std::string_view bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* archive = source ? zip_open_from_source(source, ZIP_RDONLY, &error) : nullptr;
  if (archive == nullptr) {
    std::string message = zip_error_strerror(&error);
    if (source) zip_source_free(source);
    zip_error_fini(&error);
    return NotXlsx(message);
  }
  zip_error_fini(&error);
  return ZipPtr(archive);
}

// The inflated content of part `name`, or nullopt if the archive has no such part.
// Fails with NotXlsx on a corrupt entry (bad data, CRC mismatch) and with
// kPayloadTooLarge when it inflates past kMaxXlsxPartBytes.
Result<std::optional<std::string>> ReadPart(zip_t* archive, const std::string& name) {
  zip_int64_t index = zip_name_locate(archive, name.c_str(), ZIP_FL_NOCASE);
  if (index < 0) return std::optional<std::string>();
  std::unique_ptr<zip_file_t, ZipFileClose> file(
      zip_fopen_index(archive, static_cast<zip_uint64_t>(index), 0));
  if (!file) return NotXlsx(name + ": " + zip_strerror(archive));
  std::string content;
  char buffer[1 << 16];
  while (true) {
    zip_int64_t n = zip_fread(file.get(), buffer, sizeof buffer);
    if (n < 0) return NotXlsx(name + ": " + zip_file_strerror(file.get()));
    if (n == 0) break;
    if (content.size() + static_cast<std::size_t>(n) > kMaxXlsxPartBytes) {
      return Status::PayloadTooLarge(name + " inflates to over " +
                                     std::to_string(kMaxXlsxPartBytes >> 20) + " MiB");
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
  return std::optional<std::string>(std::move(content));
}

// --- XML -------------------------------------------------------------------

// A parsed part; the document points into `text`, so the two live together.
struct XmlPart {
  std::string text;
  pugi::xml_document doc;
};

// Reads and parses part `name`; nullptr if absent.
Result<std::unique_ptr<XmlPart>> LoadXml(zip_t* archive, const std::string& name) {
  ATIENDE_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadPart(archive, name));
  if (!text) return std::unique_ptr<XmlPart>();
  auto part = std::make_unique<XmlPart>();
  part->text = std::move(*text);
  pugi::xml_parse_result parsed = part->doc.load_buffer_inplace(
      part->text.data(), part->text.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!parsed) return NotXlsx(name + ": " + parsed.description());
  return part;
}

std::string_view LocalName(const char* name) {
  const char* colon = std::strrchr(name, ':');
  return colon ? colon + 1 : name;
}

// First child element of `node` named `local` in any namespace.
pugi::xml_node Child(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_node c : node.children()) {
    if (c.type() == pugi::node_element && LocalName(c.name()) == local) return c;
  }
  return {};
}

// Decodes the _xHHHH_ escapes of OOXML strings ("_x000D_" is a carriage return).
std::string DecodeEscapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned cp = 0;
    if (s[i] == '_' && i + 7 <= s.size() && s[i + 1] == 'x' && s[i + 6] == '_' &&
        std::from_chars(s.data() + i + 2, s.data() + i + 6, cp, 16).ptr == s.data() + i + 6 &&
        !(cp >= 0xD800 && cp <= 0xDFFF)) {
      if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
      } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      }
      i += 7;
      continue;
    }
    out.push_back(s[i++]);
  }
  return out;
}

// The text of a shared string item <si> or inline string <is>: its <t>, or the
// <t> of each rich-text run <r>. Phonetic runs (<rPh>) are not part of the text.
std::string RichText(pugi::xml_node node) {
  std::string text;
  for (pugi::xml_node c : node.children()) {
    std::string_view name = LocalName(c.name());
    if (name == "t") {
      text += c.child_value();
    } else if (name == "r") {
      text += Child(c, "t").child_value();
    }
  }
  return DecodeEscapes(text);
}

// Numbers keep their stored text, except integer-valued ones that fit a double
// exactly, which are written as plain integers: "9.00123456E8" -> "900123456".
std::string FormatNumber(std::string_view stored) {
  double value = 0;
  auto [end, ec] = std::from_chars(stored.data(), stored.data() + stored.size(), value);
  if (ec != std::errc() || end != stored.data() + stored.size() || !std::isfinite(value) ||
      std::trunc(value) != value || std::fabs(value) >= 1e15) {
    return std::string(stored);
  }
  return std::to_string(static_cast<long long>(value));
}

// 0-based column of a cell reference ("C5" -> 2), or nullopt if `ref` has none.
std::optional<std::size_t> ColumnOf(std::string_view ref) {
  std::size_t column = 0;
  std::size_t letters = 0;
  for (char c : ref) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') break;
    if (++letters > 3) return std::nullopt;
    column = column * 26 + static_cast<std::size_t>(c - 'A' + 1);
  }
  if (letters == 0) return std::nullopt;
  return column - 1;
}

std::optional<std::size_t> ParseIndex(std::string_view s) {
  std::size_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// --- workbook --------------------------------------------------------------

// Resolves a relationship target of xl/workbook.xml to a part name.
std::string ResolveTarget(std::string_view target) {
  std::string path = target.starts_with('/') ? "" : "xl/";
  path += target.starts_with('/') ? target.substr(1) : target;
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = std::min(path.find('/', start), path.size());
    std::string segment = path.substr(start, slash - start);
    if (segment == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!segment.empty() && segment != ".") {
      parts.push_back(std::move(segment));
    }
    start = slash + 1;
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

struct WorkbookParts {
  std::string first_sheet;
  std::string shared_strings = "xl/sharedStrings.xml";
};

// Finds the first sheet (and the shared strings part) through xl/workbook.xml and
// its relationships.
Result<WorkbookParts> FindParts(zip_t* archive) {
  ATIENDE_ASSIGN_OR_RETURN(auto workbook, LoadXml(archive, "xl/workbook.xml"));
  if (!workbook) return NotXlsx("no xl/workbook.xml");
  ATIENDE_ASSIGN_OR_RETURN(auto rels, LoadXml(archive, "xl/_rels/workbook.xml.rels"));
  if (!rels) return NotXlsx("no xl/_rels/workbook.xml.rels");

  pugi::xml_node sheet = Child(Child(Child(workbook->doc, "workbook"), "sheets"), "sheet");
  if (!sheet) return NotXlsx("the workbook has no sheets");
  std::string_view rel_id;
  for (pugi::xml_attribute a : sheet.attributes()) {
    // r:id, whatever the prefix of the relationships namespace.
    if (std::strchr(a.name(), ':') != nullptr && LocalName(a.name()) == "id") rel_id = a.value();
  }
  WorkbookParts parts;
  for (pugi::xml_node rel : Child(rels->doc, "Relationships").children()) {
    if (LocalName(rel.name()) != "Relationship") continue;
    std::string_view type = rel.attribute("Type").value();
    if (!rel_id.empty() && rel.attribute("Id").value() == rel_id) {
      parts.first_sheet = ResolveTarget(rel.attribute("Target").value());
    } else if (type.ends_with("/sharedStrings")) {
      parts.shared_strings = ResolveTarget(rel.attribute("Target").value());
    }
  }
  if (parts.first_sheet.empty()) {
    return NotXlsx("the first sheet \"" + std::string(sheet.attribute("name").value()) +
                   "\" has no relationship in xl/_rels/workbook.xml.rels");
  }
  return parts;
}

Result<std::vector<std::string>> LoadSharedStrings(zip_t* archive, const std::string& name) {
  ATIENDE_ASSIGN_OR_RETURN(auto part, LoadXml(archive, name));
  std::vector<std::string> strings;
  if (!part) return strings;  // a workbook without text has no shared strings
  for (pugi::xml_node si : Child(part->doc, "sst").children()) {
    if (LocalName(si.name()) == "si") strings.push_back(RichText(si));
  }
  return strings;
}

// --- sheet -----------------------------------------------------------------

// The text of cell `c`, by its type attribute t.
Result<std::string> CellText(pugi::xml_node c, const std::vector<std::string>& shared) {
  std::string_view type = c.attribute("t").value();
  std::string_view stored = internal::TrimSpace(Child(c, "v").child_value());
  if (type == "s") {
    std::optional<std::size_t> index = ParseIndex(stored);
    if (!index || *index >= shared.size()) {
      return NotXlsx("cell " + std::string(c.attribute("r").value()) +
                     " refers to a missing shared string");
    }
    return shared[*index];
  }
  if (type == "inlineStr") return RichText(Child(c, "is"));
  if (type == "b") return std::string(stored == "1" ? "TRUE" : stored == "0" ? "FALSE" : stored);
  if (type.empty() || type == "n") return FormatNumber(stored);
  return DecodeEscapes(stored);  // "str" (formula result), "e" (error), "d" (ISO date)
}

// Reads one <row> into `cells`, placing each cell at the column of its reference.
Status ReadRow(pugi::xml_node row, int row_number, const std::vector<std::string>& shared,
               std::vector<std::string>& cells) {
  cells.clear();
  std::size_t next_column = 0;
  for (pugi::xml_node c : row.children()) {
    if (LocalName(c.name()) != "c") continue;
    std::size_t column = ColumnOf(c.attribute("r").value()).value_or(next_column);
    if (column >= kMaxColumns) {
      return RowError(row_number, "a cell is past column " + std::to_string(kMaxColumns));
    }
    next_column = column + 1;
    ATIENDE_ASSIGN_OR_RETURN(std::string text, CellText(c, shared));
    std::string_view value = internal::TrimSpace(text);
    if (value.empty()) continue;
    if (value.size() > kMaxCellBytes) {
      return RowError(row_number, "cell " + std::to_string(column + 1) + " is over " +
                                      std::to_string(kMaxCellBytes) + " bytes");
    }
    if (internal::FindInvalidUtf8(value) != std::string_view::npos) {
      return RowError(row_number, "cell " + std::to_string(column + 1) + " is not valid UTF-8");
    }
    if (cells.size() <= column) cells.resize(column + 1);
    cells[column] = std::string(value);
  }
  return Status::Ok();
}

Result<Table> ReadSheet(const XmlPart& sheet, const std::vector<std::string>& shared) {
  pugi::xml_node data = Child(Child(sheet.doc, "worksheet"), "sheetData");
  if (!data) return NotXlsx("the first sheet has no sheetData");
  Table table;
  bool have_header = false;
  int previous_row = 0;
  std::vector<std::string> cells;
  for (pugi::xml_node row : data.children()) {
    if (LocalName(row.name()) != "row") continue;
    std::optional<std::size_t> r = ParseIndex(row.attribute("r").value());
    int row_number = (r && *r >= 1 && *r <= kExcelMaxRow) ? static_cast<int>(*r) : previous_row + 1;
    previous_row = row_number;
    ATIENDE_RETURN_IF_ERROR(ReadRow(row, row_number, shared, cells));
    if (cells.empty()) continue;  // no cell with a value
    if (!have_header) {
      table.header = std::move(cells);
      have_header = true;
      continue;
    }
    if (table.rows.size() >= kMaxRows) {
      return Status::PayloadTooLarge("the sheet has more than " + std::to_string(kMaxRows) +
                                     " rows");
    }
    table.rows.push_back(std::move(cells));
    table.row_numbers.push_back(row_number);
  }
  if (!have_header) return RowError(1, "the first sheet is empty: no header row");
  return table;
}

Result<Table> ParseXlsxArchive(std::string_view bytes) {
  ATIENDE_ASSIGN_OR_RETURN(ZipPtr archive, OpenZip(bytes));
  ATIENDE_ASSIGN_OR_RETURN(WorkbookParts parts, FindParts(archive.get()));
  ATIENDE_ASSIGN_OR_RETURN(std::vector<std::string> shared,
                           LoadSharedStrings(archive.get(), parts.shared_strings));
  ATIENDE_ASSIGN_OR_RETURN(auto sheet, LoadXml(archive.get(), parts.first_sheet));
  if (!sheet) return NotXlsx("the first sheet " + parts.first_sheet + " is missing");
  return ReadSheet(*sheet, shared);
}

}  // namespace

Result<Table> ParseXlsx(std::string_view bytes) {
  if (bytes.size() > kMaxFileBytes) {
    return Status::PayloadTooLarge("the file is over " + std::to_string(kMaxFileBytes >> 20) +
                                   " MiB");
  }
  try {
    return ParseXlsxArchive(bytes);
  } catch (const std::bad_alloc&) {
    return Status::PayloadTooLarge("not enough memory to parse the workbook");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("parsing XLSX: ") + e.what());
  }
}

}  // namespace atiende::import
