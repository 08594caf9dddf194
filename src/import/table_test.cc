#include "import/table.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

namespace atiende::import {
namespace table_test {

using Rows = std::vector<std::vector<std::string>>;
using Strings = std::vector<std::string>;

// The customer master as pasted in seed 004: tab-separated, first column often empty.
constexpr std::string_view kSeedTable =
    "GRUPO ECONOMICO\tCLIENTES\tCRÍTICO\tTECNOLOGIA\n"
    "\tSALUD TOTAL EPS-S S.A\tPrioritario\tLegacy sin Out\n"
    "\tVIRREY SOLIS I.P.S. S.A.\tPrioritario\tLegacy sin Out\n"
    "ORGANIZACIÓN ARDILA LULLE - CAL\tINGENIO DEL CAUCA S.A.\tPrioritario\tLegacy sin Out\n"
    "ORGANIZACION ARDILA LULLE - BOG\tRADIO CADENA NACIONAL S.A.S.\tPrioritario\tLegacy sin Out\n"
    "ORGANIZACION ARDILA LULLE - BOG\tRCN TELEVISION S.A.\tPrioritario\tLegacy sin Out\n"
    "ORGANIZACION ARDILA LULLE - BOG\tCOLTEFINANCIERA S.A.\t\tLegacy sin Out\n"
    "ORGANIZACION ARDILA LULLE - BOG\tDISTRIBUIDORA LOS COCHES LA SABANA S.A.\t\tLegacy sin Out\n"
    "ORGANIZACION ARDILA LULLE - BOG\tARESS CORREDORES DE SEGUROS S.A.\t\tLegacy sin Out\n"
    "\tALPINA PRODUCTOS ALIMENTICIOS S.A.\tPrioritario\tSDWAN con Out Vipt\n"
    "GRUPO COLPATRIA\tScotiabank Colpatría S.A.\tPrioritario\tLegacy con Out\n"
    "\tCOLFONDOS S.A.\tPrioritario\tSDWAN con Out Fort\n"
    "YUPI\tPRODUCTOS YUPI S.A.S.\t\tLegacy sin Out\n"
    "TECNOQUIMICAS S.A.\tTECNOQUIMICAS S.A.\tPrioritario\tSDWAN sin Out Vipt\n"
    "TECNOQUIMICAS S.A.\tTECNOSUR\tPrioritario\tSDWAN sin Out Vipt\n"
    "COLOMBINA\tCOLOMBINA S. A.\tPrioritario\tSDWAN con Out Fort\n";

Table MustParse(std::string_view bytes) {
  Result<Table> t = ParseTable(bytes);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(t).value() : Table{};
}

// Expects `bytes` to fail with kInvalidArgument about `row`, with `text` in the message.
void ExpectRowError(std::string_view bytes, int row, std::string_view text) {
  Result<Table> t = ParseTable(bytes);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(t.status().field(), "row " + std::to_string(row)) << t.status().ToString();
  EXPECT_NE(t.status().message().find(text), std::string::npos) << t.status().ToString();
}

TEST(ParseDelimited, SeedTableTabSeparatedWithEmptyFirstColumn) {
  Table t = MustParse(kSeedTable);
  EXPECT_EQ(t.header, (Strings{"GRUPO ECONOMICO", "CLIENTES", "CRÍTICO", "TECNOLOGIA"}));
  ASSERT_EQ(t.rows.size(), 15u);
  ASSERT_EQ(t.row_numbers.size(), 15u);
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    EXPECT_EQ(t.rows[i].size(), 4u) << "row " << i;
    EXPECT_EQ(t.row_numbers[i], static_cast<int>(i) + 2);
  }
  EXPECT_EQ(t.rows[0], (Strings{"", "SALUD TOTAL EPS-S S.A", "Prioritario", "Legacy sin Out"}));
  EXPECT_EQ(t.rows[2][0], "ORGANIZACIÓN ARDILA LULLE - CAL");
  EXPECT_EQ(t.rows[5], (Strings{"ORGANIZACION ARDILA LULLE - BOG", "COLTEFINANCIERA S.A.", "",
                                "Legacy sin Out"}));
  EXPECT_EQ(t.rows[9][1], "Scotiabank Colpatría S.A.");
  EXPECT_EQ(t.rows[14],
            (Strings{"COLOMBINA", "COLOMBINA S. A.", "Prioritario", "SDWAN con Out Fort"}));
}

TEST(ParseDelimited, CommaAndSemicolon) {
  Table comma = MustParse("nombre,nit\nACME S.A.,900123456\n");
  EXPECT_EQ(comma.header, (Strings{"nombre", "nit"}));
  EXPECT_EQ(comma.rows, (Rows{{"ACME S.A.", "900123456"}}));

  // Spanish Excel: ';' separates, ',' is data.
  Table semi = MustParse("Cliente;Descripción\nACME;uno, dos, tres\n");
  EXPECT_EQ(semi.header, (Strings{"Cliente", "Descripción"}));
  EXPECT_EQ(semi.rows, (Rows{{"ACME", "uno, dos, tres"}}));
}

TEST(ParseDelimited, SniffsOutsideQuotesAndBreaksTies) {
  EXPECT_EQ(MustParse("\"a;b;c\",d,e\n1,2,3\n").header, (Strings{"a;b;c", "d", "e"}));
  EXPECT_EQ(MustParse("a\tb,c\n").header, (Strings{"a", "b,c"}));  // tab wins a tie
  EXPECT_EQ(MustParse("a;b,c\n").header, (Strings{"a", "b,c"}));   // then ';'
  EXPECT_EQ(MustParse("solo\nuno\n").rows, (Rows{{"uno"}}));       // one column
  // Lines of only delimiters before the header are blank, not the header.
  Table t = MustParse(";;;\nx;y\n1;2\n");
  EXPECT_EQ(t.header, (Strings{"x", "y"}));
  EXPECT_EQ(t.row_numbers, (std::vector<int>{3}));
}

TEST(ParseDelimited, Utf8BomIsSkipped) {
  Table t = MustParse("\xEF\xBB\xBFnombre;nit\nACME;1\n");
  EXPECT_EQ(t.header, (Strings{"nombre", "nit"}));
}

TEST(ParseDelimited, QuotedFieldsWithDelimiterNewlineAndEscapedQuotes) {
  Table t = MustParse(
      "nombre,nota,dirección\n"
      "\"ACME, S.A.\",\"dice \"\"hola\"\"\",\"Calle 1\nPiso 2\"\n"
      "  \"B\"  ,\"\",x\n");
  EXPECT_EQ(t.rows, (Rows{{"ACME, S.A.", "dice \"hola\"", "Calle 1\nPiso 2"}, {"B", "", "x"}}));
  EXPECT_EQ(t.row_numbers, (std::vector<int>{2, 4}));  // the record on line 2 spans 2 lines
}

TEST(ParseDelimited, CrlfBlankLinesAndTrimming) {
  Table t = MustParse("\r\n a , b \r\n1,\"x\r\ny\"\r\n\r\n   \r\n 3 ,4\r\n");
  EXPECT_EQ(t.header, (Strings{"a", "b"}));
  EXPECT_EQ(t.rows, (Rows{{"1", "x\ny"}, {"3", "4"}}));
  EXPECT_EQ(t.row_numbers, (std::vector<int>{3, 7}));
}

TEST(ParseDelimited, RowsAreKeptAsRead) {
  Table t = MustParse("a,b,c\n1,,\n1\n1,2,3,4\n");
  EXPECT_EQ(t.rows, (Rows{{"1", "", ""}, {"1"}, {"1", "2", "3", "4"}}));
}

TEST(ParseDelimited, UnterminatedQuoteNamesTheRowWhereItOpened) {
  std::string csv = "a,b\n1,2\n3,4\n5,6\n7,8\n9,10\nx,\"abc\n11,12\n";
  ExpectRowError(csv, 7, "unterminated quoted field");
  EXPECT_EQ(ParseDelimited(csv).status().ToString(),
            "invalid_argument: row 7: unterminated quoted field");
}

TEST(ParseDelimited, StrayQuotesAreRefused) {
  ExpectRowError("a,b\n1,2\n3,ab\"c\n", 3, "stray quote");
  ExpectRowError("a,b\n\"ab\"c,2\n", 2, "after a closing quote");
}

TEST(ParseDelimited, InvalidUtf8NamesTheRow) {
  ExpectRowError("a,b\n1,2\nx,\xE9t\xE9\n", 3, "not valid UTF-8");  // Latin-1 "été"
  ExpectRowError("a,\xC0\x80\n", 1, "not valid UTF-8");             // overlong NUL
  ExpectRowError("a,b\n1,\xED\xA0\x80\n", 2, "not valid UTF-8");    // surrogate
  ExpectRowError(
      "\xFF\xFE"
      "a\0,\0",
      1, "UTF-16");
}

TEST(ParseDelimited, EmptyFileHasNoHeader) {
  ExpectRowError("", 1, "empty");
  ExpectRowError("\n \r\n\t\n", 1, "empty");
  ExpectRowError("\xEF\xBB\xBF", 1, "empty");
}

TEST(ParseDelimited, Limits) {
  std::string ok_cell(kMaxCellBytes, 'x');
  EXPECT_TRUE(ParseDelimited("a\n" + ok_cell + "\n").ok());
  ExpectRowError("a\nb\n" + ok_cell + "x\n", 3, "over 4096 bytes");
  ExpectRowError("a,b\n" + std::string(kMaxColumns, ',') + "\n", 2, "more than 16384 cells");

  Result<Table> big = ParseDelimited(std::string(kMaxFileBytes + 1, 'a'));
  EXPECT_EQ(big.status().code(), Status::Code::kPayloadTooLarge);

  std::string rows = "a\n";
  for (std::size_t i = 0; i < kMaxRows; ++i) rows += "1\n";
  Result<Table> at_limit = ParseDelimited(rows);
  ASSERT_TRUE(at_limit.ok());
  EXPECT_EQ(at_limit->rows.size(), kMaxRows);
  EXPECT_EQ(ParseDelimited(rows + "2\n").status().code(), Status::Code::kPayloadTooLarge);
}

TEST(NormalizeHeader, TrimsLowercasesRemovesAccentsAndCollapses) {
  EXPECT_EQ(NormalizeHeader("CRÍTICO"), "critico");
  EXPECT_EQ(NormalizeHeader("GRUPO ECONOMICO"), "grupo economico");
  EXPECT_EQ(NormalizeHeader("  Grupo_Económico \t"), "grupo economico");
  EXPECT_EQ(NormalizeHeader("Compañía -- NIT"), "compania nit");
  EXPECT_EQ(NormalizeHeader("TECNOLOGÍA\u00A0"), "tecnologia");  // no-break space
  EXPECT_EQ(NormalizeHeader("ÁÉÍÓÚÜÑ áéíóúüñ"), "aeiouun aeiouun");
  EXPECT_EQ(NormalizeHeader("__"), "");
  EXPECT_EQ(NormalizeHeader("A\xFF"
                            "B"),
            "a\xFF"
            "b");  // invalid UTF-8: ASCII only
}

// --- XLSX ------------------------------------------------------------------

using Files = std::vector<std::pair<std::string, std::string>>;

// Writes `files` into an in-memory zip and returns its bytes.
std::string MakeZip(const Files& files) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  EXPECT_NE(buffer, nullptr);
  zip_source_keep(buffer);  // survive zip_close
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  EXPECT_NE(archive, nullptr) << zip_error_strerror(&error);
  for (const auto& [name, content] : files) {
    zip_source_t* s = zip_source_buffer(archive, content.data(), content.size(), 0);
    EXPECT_GE(zip_file_add(archive, name.c_str(), s, ZIP_FL_ENC_UTF_8), 0);
  }
  EXPECT_EQ(zip_close(archive), 0);
  std::string out;
  EXPECT_EQ(zip_source_open(buffer), 0);
  char chunk[4096];
  zip_int64_t n;
  while ((n = zip_source_read(buffer, chunk, sizeof chunk)) > 0) out.append(chunk, n);
  zip_source_close(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

constexpr std::string_view kContentTypes =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>)";

// Sheets are listed as (name, relationship id); rels as (id, target).
std::string Workbook(const std::vector<std::pair<std::string, std::string>>& sheets) {
  std::string xml =
      R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>)";
  int id = 1;
  for (const auto& [name, rid] : sheets) {
    xml += "<sheet name=\"" + name + "\" sheetId=\"" + std::to_string(id++) + "\" r:id=\"" + rid +
           "\"/>";
  }
  return xml + "</sheets></workbook>";
}

std::string Rels(const std::vector<std::pair<std::string, std::string>>& rels) {
  std::string xml =
      R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)";
  for (const auto& [id, target] : rels) {
    std::string type =
        target.find("sharedStrings") != std::string::npos ? "sharedStrings" : "worksheet";
    xml += "<Relationship Id=\"" + id +
           "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/" + type +
           "\" Target=\"" + target + "\"/>";
  }
  return xml + "</Relationships>";
}

std::string Sheet(std::string_view rows) {
  return R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)" +
         std::string(rows) + "</sheetData></worksheet>";
}

constexpr std::string_view kSharedStrings =
    R"(<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="7" uniqueCount="7">
<si><t>GRUPO ECONOMICO</t></si><si><t>CLIENTES</t></si><si><t>CRÍTICO</t></si><si><t>NIT</t></si>
<si><r><t xml:space="preserve">Scotiabank </t></r><r><rPr><b/></rPr><t>Colpatría S.A.</t></r><rPh sb="0" eb="1"><t>X</t></rPh></si>
<si><t>Prioritario</t></si><si><t>Uno_x000D_
Dos</t></si>
</sst>)";

// Row 1 header; row 2 omits A (empty first column) and stores the NIT in
// scientific notation; row 3 omits C; row 4 is empty; row 6 has no cell references.
constexpr std::string_view kSheetRows =
    R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>
<row r="2"><c r="B2" t="s"><v>4</v></c><c r="C2" t="s"><v>5</v></c><c r="D2"><v>9.00123456E8</v></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><t>YUPI</t></is></c><c r="B3" t="s"><v>6</v></c><c r="D3" t="n"><v>860001</v></c></row>
<row r="4"><c r="A4" s="1"/></row>
<row r="6"><c t="b"><v>1</v></c><c><v>3.25</v></c><c t="str"><v>  calc  </v></c><c t="e"><v>#N/A</v></c></row>)";

std::string MinimalXlsx() {
  return MakeZip({{"[Content_Types].xml", std::string(kContentTypes)},
                  {"xl/workbook.xml", Workbook({{"Maestra", "rId1"}})},
                  {"xl/_rels/workbook.xml.rels",
                   Rels({{"rId1", "worksheets/sheet1.xml"}, {"rId2", "sharedStrings.xml"}})},
                  {"xl/worksheets/sheet1.xml", Sheet(kSheetRows)},
                  {"xl/sharedStrings.xml", std::string(kSharedStrings)}});
}

TEST(ParseXlsx, ReadsTheFirstSheet) {
  Table t = MustParse(MinimalXlsx());
  EXPECT_EQ(t.header, (Strings{"GRUPO ECONOMICO", "CLIENTES", "CRÍTICO", "NIT"}));
  EXPECT_EQ(t.rows, (Rows{{"", "Scotiabank Colpatría S.A.", "Prioritario", "900123456"},
                          {"YUPI", "Uno\r\nDos", "", "860001"},
                          {"TRUE", "3.25", "calc", "#N/A"}}));
  EXPECT_EQ(t.row_numbers, (std::vector<int>{2, 3, 6}));
}

TEST(ParseXlsx, FirstSheetIsTheWorkbookOrderNotTheFileName) {
  std::string xlsx = MakeZip(
      {{"xl/workbook.xml", Workbook({{"Primera", "rId7"}, {"Segunda", "rId1"}})},
       {"xl/_rels/workbook.xml.rels",
        Rels({{"rId1", "worksheets/sheet1.xml"}, {"rId7", "/xl/worksheets/../worksheets/b.xml"}})},
       {"xl/worksheets/sheet1.xml",
        Sheet(R"(<row r="1"><c t="inlineStr"><is><t>wrong</t></is></c></row>)")},
       {"xl/worksheets/b.xml",
        Sheet(R"(<row r="3"><c r="B3" t="inlineStr"><is><t>right</t></is></c></row>)")}});
  Table t = MustParse(xlsx);
  EXPECT_EQ(t.header, (Strings{"", "right"}));  // no shared strings part needed
  EXPECT_TRUE(t.rows.empty());
}

void ExpectNotXlsx(std::string_view bytes, std::string_view text = "") {
  Result<Table> t = ParseXlsx(bytes);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(t.status().message().rfind("not a valid XLSX file: ", 0), 0u) << t.status().ToString();
  EXPECT_NE(t.status().message().find(text), std::string::npos) << t.status().ToString();
}

TEST(ParseXlsx, TruncatedFileIsRefused) {
  std::string xlsx = MinimalXlsx();
  std::string half = xlsx.substr(0, xlsx.size() / 2);
  ExpectNotXlsx(half);
  EXPECT_EQ(ParseTable(half).status().code(), Status::Code::kInvalidArgument);  // still XLSX
}

TEST(ParseXlsx, RandomBytesAfterZipMagicAreRefused) {
  std::mt19937 rng(42);
  for (int i = 0; i < 200; ++i) {
    std::string bytes("PK\x03\x04", 4);
    std::size_t n = rng() % 2048;
    for (std::size_t k = 0; k < n; ++k) bytes.push_back(static_cast<char>(rng()));
    SCOPED_TRACE(i);
    ExpectNotXlsx(bytes);
  }
}

TEST(ParseXlsx, CorruptedBytesNeverCrash) {
  const std::string xlsx = MinimalXlsx();
  std::mt19937 rng(7);
  for (int i = 0; i < 300; ++i) {
    std::string bytes = xlsx;
    for (int k = 0; k < 4; ++k) bytes[4 + rng() % (bytes.size() - 4)] = static_cast<char>(rng());
    Result<Table> t = ParseTable(bytes);  // either parses or fails cleanly
    if (!t.ok()) {
      EXPECT_NE(t.status().code(), Status::Code::kInternal) << t.status().ToString();
    }
  }
}

TEST(ParseXlsx, MissingPartsAreRefused) {
  ExpectNotXlsx(MakeZip({{"xl/worksheets/sheet1.xml", Sheet("")}}), "xl/workbook.xml");
  ExpectNotXlsx(
      MakeZip({{"xl/workbook.xml", Workbook({{"Hoja1", "rId1"}})},
               {"xl/_rels/workbook.xml.rels", Rels({{"rId1", "worksheets/sheet1.xml"}})}}),
      "sheet1.xml");
  ExpectNotXlsx(
      MakeZip({{"xl/workbook.xml", Workbook({})}, {"xl/_rels/workbook.xml.rels", Rels({})}}),
      "no sheets");
  ExpectNotXlsx(MakeZip({{"xl/workbook.xml", "<workbook><sheets>"},
                         {"xl/_rels/workbook.xml.rels", Rels({})}}),
                "xl/workbook.xml");
}

TEST(ParseXlsx, CellErrorsNameTheRow) {
  auto with_sheet = [](std::string_view rows) {
    return MakeZip({{"xl/workbook.xml", Workbook({{"Hoja1", "rId1"}})},
                    {"xl/_rels/workbook.xml.rels", Rels({{"rId1", "worksheets/sheet1.xml"}})},
                    {"xl/worksheets/sheet1.xml", Sheet(rows)}});
  };
  std::string big = R"(<row r="1"><c t="inlineStr"><is><t>a</t></is></c></row><row r="9">)"
                    R"(<c t="inlineStr"><is><t>)" +
                    std::string(kMaxCellBytes + 1, 'x') + "</t></is></c></row>";
  ExpectRowError(with_sheet(big), 9, "over 4096 bytes");
  ExpectRowError(with_sheet(R"(<row r="2"><c r="A2"/></row>)"), 1, "empty");
  ExpectRowError(with_sheet(R"(<row r="5"><c r="A5" t="str"><v>)"
                            "\xE9"
                            R"(</v></c></row>)"),
                 5, "not valid UTF-8");
  ExpectNotXlsx(with_sheet(R"(<row r="1"><c r="A1" t="s"><v>0</v></c></row>)"), "shared string");
}

TEST(ParseTable, DispatchesOnContent) {
  EXPECT_EQ(MustParse(MinimalXlsx()).header.size(), 4u);
  EXPECT_EQ(MustParse("PK,b\n1,2\n").header, (Strings{"PK", "b"}));  // text that starts with PK
  Result<Table> xls = ParseTable(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + "junk");
  EXPECT_EQ(xls.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(xls.status().message().find(".xls"), std::string::npos);
}

}  // namespace table_test
}  // namespace atiende::import
