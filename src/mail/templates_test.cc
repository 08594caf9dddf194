#include "mail/templates.h"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/test_env.h"

namespace atiende::mail {
namespace templates_test {

boost::json::object Vars() {
  return {{"list", "mesa_clientes"},
          {"addresses", "mesa@abastible.cl"},
          {"sent_by", "Ana <admin>"},
          {"sent_at", "24-11-2026 09:00"},
          {"desk_time_zone", "America/Santiago"}};
}

void Write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

TEST(MailTemplates, ShippedTemplatesPassTheCheck) {
  auto set = TemplateSet::Load();
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  std::vector<std::string> problems;
  EXPECT_TRUE(set->Check(&problems).ok());
  EXPECT_TRUE(problems.empty());
}

TEST(MailTemplates, RendersSpanishWithoutHtmlEscaping) {
  auto set = TemplateSet::Load().value();
  auto r = set.Render("directory.test", "es", Vars());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->subject, "Prueba de la lista mesa_clientes en Atiende");
  EXPECT_NE(r->text.find("Lo envió Ana <admin> el 24-11-2026 09:00"), std::string::npos);
  EXPECT_EQ(set.Render("directory.test", "en", Vars()).value().subject,
            "Test of the mesa_clientes list in Atiende");
}

TEST(MailTemplates, AMissingVariableIsAnErrorNotABlank) {
  auto set = TemplateSet::Load().value();
  auto vars = Vars();
  vars.erase("sent_by");
  auto r = set.Render("directory.test", "es", vars);
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("sent_by"), std::string::npos);
  EXPECT_EQ(set.Render("nope", "es", Vars()).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(set.Render("directory.test", "fr", Vars()).status().code(), Status::Code::kNotFound);
}

TEST(MailTemplates, AnUnknownVariableFailsTheLoadNamingFileAndTag) {
  testing::TempDir dir;
  Write(dir.file("es/directory.test.subject"), "Prueba {{lista}}\n");
  auto set = TemplateSet::Load(dir.path());
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.status().message().find("es/directory.test.subject"), std::string::npos);
  EXPECT_NE(set.status().message().find("{{lista}}"), std::string::npos);
}

TEST(MailTemplates, OverridesReplaceShippedFilesAndHtmlIsEscaped) {
  testing::TempDir dir;
  Write(dir.file("es/directory.test.subject"), "Lista {{list}}: prueba\n");
  Write(dir.file("es/directory.test.html"), "<p>Enviado por {{sent_by}}</p>");
  auto set = TemplateSet::Load(dir.path()).value();
  auto r = set.Render("directory.test", "es", Vars()).value();
  EXPECT_EQ(r.subject, "Lista mesa_clientes: prueba");
  EXPECT_EQ(r.html, "<p>Enviado por Ana &lt;admin&gt;</p>");
}

TEST(MailTemplates, PartialsAndUnclosedSectionsAreRefused) {
  testing::TempDir dir;
  Write(dir.file("es/directory.test.txt"), "{{> header}}\n{{#list}}x\n");
  std::vector<std::string> problems;
  auto set = TemplateSet::Load(dir.path());
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.status().message().find("partials"), std::string::npos);
}

}  // namespace templates_test
}  // namespace atiende::mail
