# The web console and the customer portal (web/), built by Vite and embedded
# in the binary: scripts/web-build writes web_files.cc (src/http/web_files.h).
# -DATIENDE_WEB=OFF builds without Node.js; the binary then answers 503 at /.
option(ATIENDE_WEB "Build the web console into the binary (needs node and npm)" ON)
set(ATIENDE_WEB_CC ${CMAKE_BINARY_DIR}/web_files.cc)
if(ATIENDE_WEB)
  file(GLOB_RECURSE ATIENDE_WEB_INPUTS CONFIGURE_DEPENDS
    ${CMAKE_SOURCE_DIR}/web/src/*
    ${CMAKE_SOURCE_DIR}/web/public/*)
  list(APPEND ATIENDE_WEB_INPUTS
    ${CMAKE_SOURCE_DIR}/web/index.html ${CMAKE_SOURCE_DIR}/web/portal.html
    ${CMAKE_SOURCE_DIR}/web/package-lock.json ${CMAKE_SOURCE_DIR}/web/vite.config.ts
    ${CMAKE_SOURCE_DIR}/web/tsconfig.json ${CMAKE_SOURCE_DIR}/web/scripts/embed.mjs
    ${CMAKE_SOURCE_DIR}/scripts/web-build)
  add_custom_command(
    OUTPUT ${ATIENDE_WEB_CC}
    COMMAND ${CMAKE_SOURCE_DIR}/scripts/web-build ${CMAKE_BINARY_DIR}/web ${ATIENDE_WEB_CC}
    DEPENDS ${ATIENDE_WEB_INPUTS}
    COMMENT "Building the web console (web/)"
    VERBATIM)
else()
  file(WRITE ${ATIENDE_WEB_CC}
    "#include \"http/web_files.h\"\nnamespace atiende::http {\n"
    "const std::map<std::string, std::string_view>& EmbeddedWebFiles() {\n"
    "  static const std::map<std::string, std::string_view> files;\n  return files;\n}\n}\n")
endif()
target_sources(atiende_lib PRIVATE ${ATIENDE_WEB_CC})
