// Table: one sheet of a spreadsheet file (the customer master export), parsed into
// UTF-8 strings. This is the pure parsing layer of the import: it knows bytes,
// quoting, zip and XML, and nothing about customers; mapping headers to fields is
// the caller's job (NormalizeHeader helps with that).
//
// Accepted inputs:
//   * Delimited text (CSV/TSV): UTF-8 with or without BOM; delimiter sniffed from
//     the header line; RFC 4180 quoting; CRLF or LF.
//   * XLSX (Office Open XML): the first sheet of the workbook.
//
// Every cell is trimmed of surrounding whitespace. Rows whose cells are all empty
// are skipped; the first remaining row is the header. Rows are kept as read: they
// are neither padded nor truncated to the header's width.
//
// Thread-safety: pure functions over their arguments; safe to call concurrently.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace atiende::import {

// Limits. Files over kMaxFileBytes or with more than kMaxRows data rows are refused
// with kPayloadTooLarge; a cell over kMaxCellBytes (after trimming) or a row with
// more than kMaxColumns cells with kInvalidArgument naming its row.
inline constexpr std::size_t kMaxFileBytes = 64u << 20;  // 64 MiB
inline constexpr std::size_t kMaxRows = 2'000'000;
inline constexpr std::size_t kMaxCellBytes = 4096;
inline constexpr std::size_t kMaxColumns = 16384;  // Excel's limit (column XFD)
// An XLSX part (an XML file inside the zip) may inflate to at most this many bytes;
// beyond it the file is refused with kPayloadTooLarge (zip bomb guard).
inline constexpr std::size_t kMaxXlsxPartBytes = 256u << 20;  // 256 MiB

// One parsed sheet: header cells and data rows, all as UTF-8 strings.
struct Table {
  std::vector<std::string> header;
  // Data rows in file order, each with as many cells as were read.
  std::vector<std::vector<std::string>> rows;
  // 1-based line (delimited text: the line where the record starts) or sheet row
  // (XLSX) of each entry of `rows`; same size as `rows`.
  std::vector<int> row_numbers;
};

// Parses delimited text. The delimiter is whichever of tab, ';' and ',' occurs most
// in the header line outside quotes; ties go to tab, then ';', then ','.
// Blank lines (and lines whose cells are all empty) are skipped.
// Fails with kPayloadTooLarge if `bytes` is over kMaxFileBytes or has more than
// kMaxRows data rows. Fails with kInvalidArgument, field "row N" (the line), on:
// an unterminated quoted field (N = line where it opened), a stray quote inside an
// unquoted field or text after a closing quote, invalid UTF-8, a UTF-16 file, a cell
// over kMaxCellBytes, a row over kMaxColumns cells; and, with field "row 1", on an
// empty file / no header.
Result<Table> ParseDelimited(std::string_view bytes);

// Parses the first sheet of an XLSX workbook: shared strings (with rich-text runs),
// inline strings, numbers (integer-valued ones written without exponent or
// fraction: "9.00123456E8" -> "900123456"; others kept as stored), booleans
// ("TRUE"/"FALSE"), formula results, error values as stored. Cell references place
// cells in their column even when empty cells are omitted.
// Fails with kInvalidArgument "not a valid XLSX file: ..." when `bytes` is not a
// zip, is truncated or corrupt, or lacks the workbook or its first sheet; with
// kInvalidArgument, field "row N", on a cell over kMaxCellBytes or past kMaxColumns,
// invalid UTF-8, and (row 1) a sheet with no non-empty row; with kPayloadTooLarge on
// the size limits.
Result<Table> ParseXlsx(std::string_view bytes);

// Chooses by content: bytes starting with "PK\x03\x04" are XLSX, anything else is
// delimited text. Fails as the chosen parser does, and with kInvalidArgument on an
// OLE2 compound file (legacy .xls, or a password-protected workbook).
Result<Table> ParseTable(std::string_view bytes);

// Normalises a header for matching: trims, lowercases, removes accents (á->a,
// Í->i, ñ->n), and collapses runs of whitespace, '_' and '-' to one space.
// "CRÍTICO" -> "critico", "GRUPO_ECONOMICO" -> "grupo economico". Invalid UTF-8 is
// tolerated: only ASCII letters are lowercased then.
std::string NormalizeHeader(std::string_view header);

namespace internal {
// Shared by the delimited and XLSX readers; not part of the interface.

// `s` without leading and trailing ASCII whitespace (space, \t, \r, \n, \v, \f).
std::string_view TrimSpace(std::string_view s);
// Offset of the first invalid UTF-8 sequence in `s` (overlongs, surrogates and
// code points over U+10FFFF are invalid), or std::string_view::npos if valid.
std::size_t FindInvalidUtf8(std::string_view s);
// kInvalidArgument with field "row N".
Status RowError(int row, std::string message);
}  // namespace internal

}  // namespace atiende::import
