# cmake/packaging.cmake - installing rxcheck like a well-behaved Unix tool
# and library (issue 10): the shared library, install rules, rxcheck.pc, the
# CMake package (find_package(rxcheck) -> rxcheck::rxcheck), man pages from
# scdoc, shell completions, and the .deb (CPack; `make deb`).
#
# Included at the end of the top-level CMakeLists.txt, after every target is
# defined: the shared library is made from what rxcheck_lib holds at that
# point (sources, definitions, include directories, dependencies), so a
# source file or a dependency added to rxcheck_lib comes along by itself.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(RXC_RULES_INSTALL_DIR "${CMAKE_INSTALL_DATADIR}/rxcheck/rules")
set(RXC_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/rxcheck")

# ---- the generated packs, made once -----------------------------------------
# Two targets compile builtin_rules.c; a custom target generates it first so
# the two never run the generator at the same time in a parallel build.
add_custom_target(rxc_builtin_rules DEPENDS "${RXC_BUILTIN_C}")
add_dependencies(rxcheck_lib rxc_builtin_rules)

# ---- the shared library: librxcheck.so.MAJOR ---------------------------------
# rxcheck_lib (static, RXC_STATIC) is what the tool and the tests link. The
# shared library compiles the same sources without RXC_STATIC, so RXC_API
# gives the public functions default visibility while -fvisibility=hidden
# keeps every engine-internal function out of the dynamic symbol table
# (tests/packaging/symbols.sh checks this with nm -D).
get_target_property(_rxc_sources rxcheck_lib SOURCES)
get_target_property(_rxc_defs rxcheck_lib COMPILE_DEFINITIONS)
get_target_property(_rxc_incs rxcheck_lib INCLUDE_DIRECTORIES)
get_target_property(_rxc_deps rxcheck_lib LINK_LIBRARIES)
foreach(_v _rxc_defs _rxc_incs _rxc_deps)
  if(NOT ${_v})
    set(${_v} "")
  endif()
endforeach()
list(REMOVE_ITEM _rxc_defs RXC_STATIC)

add_library(rxcheck_shared SHARED ${_rxc_sources})
add_dependencies(rxcheck_shared rxc_builtin_rules)
set_target_properties(rxcheck_shared PROPERTIES
  OUTPUT_NAME rxcheck
  EXPORT_NAME rxcheck
  VERSION "${PROJECT_VERSION}"
  SOVERSION "${PROJECT_VERSION_MAJOR}"
  C_VISIBILITY_PRESET hidden)
target_compile_definitions(rxcheck_shared PRIVATE ${_rxc_defs} RXC_BUILDING)
target_include_directories(rxcheck_shared
  PRIVATE ${_rxc_incs}
  INTERFACE "$<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include>"
            "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
target_link_libraries(rxcheck_shared PRIVATE ${_rxc_deps})
# Every symbol the library uses must come from a declared dependency. The
# sanitizer runtimes leave symbols to the executable, so not there.
if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND NOT RXC_SANITIZE
   AND NOT CMAKE_C_FLAGS MATCHES "-fsanitize")
  target_link_options(rxcheck_shared PRIVATE "LINKER:--no-undefined")
endif()

# ---- what the library needs, for rxcheck.pc, the CMake package and .deb -----
# One row per dependency of rxcheck_lib: pkg-config module (Requires.private),
# linker flag for static linking without pkg-config, Debian runtime package.
set(_rxc_pc_requires "")
set(_rxc_pc_libs "")
set(_rxc_static_libs "")
set(_rxc_deb_depends "libc6")
foreach(_dep IN LISTS _rxc_deps)
  if(_dep STREQUAL "rxc_warnings")
    continue()
  elseif(_dep STREQUAL "rxc_csv")
    list(APPEND _rxc_pc_libs "-lcsv")
    list(APPEND _rxc_static_libs "csv")
    list(APPEND _rxc_deb_depends "libcsv3")
  elseif(_dep STREQUAL "PkgConfig::PCRE2")
    list(APPEND _rxc_pc_requires "libpcre2-8")
    list(APPEND _rxc_static_libs "pcre2-8")
    list(APPEND _rxc_deb_depends "libpcre2-8-0")
  elseif(_dep STREQUAL "PkgConfig::YAML")
    list(APPEND _rxc_pc_requires "yaml-0.1")
    list(APPEND _rxc_static_libs "yaml")
    list(APPEND _rxc_deb_depends "libyaml-0-2")
  elseif(_dep STREQUAL "PkgConfig::NETTLE")
    list(APPEND _rxc_pc_requires "nettle")
    list(APPEND _rxc_static_libs "nettle")
    list(APPEND _rxc_deb_depends "libnettle8")
  elseif(_dep STREQUAL "ZLIB::ZLIB" OR _dep MATCHES "^PkgConfig::ZLIB$")
    list(APPEND _rxc_pc_requires "zlib")
    list(APPEND _rxc_static_libs "z")
    list(APPEND _rxc_deb_depends "zlib1g")
  elseif(_dep STREQUAL "PkgConfig::JANSSON")
    list(APPEND _rxc_pc_requires "jansson")
    list(APPEND _rxc_static_libs "jansson")
    list(APPEND _rxc_deb_depends "libjansson4")
  elseif(_dep STREQUAL "Threads::Threads")
    list(APPEND _rxc_pc_libs "-pthread")
    list(APPEND _rxc_static_libs "Threads::Threads")
  else()
    message(WARNING "cmake/packaging.cmake: rxcheck_lib links '${_dep}', "
      "which rxcheck.pc, the CMake package and the .deb do not declare: add "
      "a row for it to the table in cmake/packaging.cmake")
  endif()
endforeach()
list(JOIN _rxc_pc_requires " " RXC_PC_REQUIRES_PRIVATE)
list(JOIN _rxc_pc_libs " " RXC_PC_LIBS_PRIVATE)
set(RXC_STATIC_LINK_LIBRARIES "${_rxc_static_libs}")
list(JOIN _rxc_deb_depends ", " RXC_DEB_DEPENDS)

# ---- install: tool, libraries, public headers, packs -----------------------
install(TARGETS rxcheck RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(TARGETS rxcheck_shared EXPORT rxcheck-targets
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}")
install(TARGETS rxcheck_lib ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
# The public API only: engine/*.h are internal and never installed.
file(GLOB _rxc_public_headers CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/include/rxcheck/*.h")
install(FILES ${_rxc_public_headers}
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/rxcheck")
install(DIRECTORY "${CMAKE_SOURCE_DIR}/rules/"
        DESTINATION "${RXC_RULES_INSTALL_DIR}"
        FILES_MATCHING PATTERN "*.yaml" PATTERN "*.md")

# ---- rxcheck.pc --------------------------------------------------------------
# Written at install time, so its prefix is the one given to
# `cmake --install --prefix P` (or /usr inside the .deb), not the configured
# one. Each destination gets its own copy in the build tree, so installs to
# several prefixes may run at once.
set(_rxc_pc_in "${CMAKE_CURRENT_LIST_DIR}/rxcheck.pc.in")
install(CODE "
  string(SHA1 _rxc_h \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}\")
  set(RXC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  set(RXC_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
  set(RXC_INCLUDEDIR \"${CMAKE_INSTALL_INCLUDEDIR}\")
  set(RXC_RULESDIR \"${RXC_RULES_INSTALL_DIR}\")
  set(RXC_VERSION \"${PROJECT_VERSION}\")
  set(RXC_PC_REQUIRES_PRIVATE \"${RXC_PC_REQUIRES_PRIVATE}\")
  set(RXC_PC_LIBS_PRIVATE \"${RXC_PC_LIBS_PRIVATE}\")
  configure_file(\"${_rxc_pc_in}\"
    \"${CMAKE_BINARY_DIR}/pkgconfig/\${_rxc_h}/rxcheck.pc\" @ONLY)
  file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig\"
    TYPE FILE FILES \"${CMAKE_BINARY_DIR}/pkgconfig/\${_rxc_h}/rxcheck.pc\")
")

# ---- CMake package: find_package(rxcheck) ------------------------------------
install(EXPORT rxcheck-targets NAMESPACE rxcheck::
        FILE rxcheck-targets.cmake DESTINATION "${RXC_CMAKE_INSTALL_DIR}")
configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/rxcheck-config.cmake.in"
  "${CMAKE_BINARY_DIR}/rxcheck-config.cmake"
  INSTALL_DESTINATION "${RXC_CMAKE_INSTALL_DIR}"
  PATH_VARS CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_INCLUDEDIR RXC_RULES_INSTALL_DIR)
write_basic_package_version_file("${CMAKE_BINARY_DIR}/rxcheck-config-version.cmake"
  VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMajorVersion)
install(FILES "${CMAKE_BINARY_DIR}/rxcheck-config.cmake"
              "${CMAKE_BINARY_DIR}/rxcheck-config-version.cmake"
        DESTINATION "${RXC_CMAKE_INSTALL_DIR}")

# ---- man pages: rxcheck(1), rxcheck-rules(5) from scdoc sources -------------
set(RXC_MAN_SOURCES
  "${CMAKE_SOURCE_DIR}/engine/cli/man/rxcheck.1.scd"
  "${CMAKE_SOURCE_DIR}/engine/cli/man/rxcheck-summary.1.scd"
  "${CMAKE_SOURCE_DIR}/engine/cli/man/rxcheck-rules.5.scd")
find_program(RXC_SCDOC scdoc)
set(RXC_MAN_PAGES "")
if(RXC_SCDOC)
  foreach(_src IN LISTS RXC_MAN_SOURCES)
    get_filename_component(_page "${_src}" NAME_WLE) # rxcheck.1
    string(REGEX REPLACE "^.*\\.([0-9])$" "\\1" _section "${_page}")
    set(_out "${CMAKE_BINARY_DIR}/man/${_page}")
    add_custom_command(OUTPUT "${_out}"
      COMMAND ${CMAKE_COMMAND} -DSCDOC=${RXC_SCDOC} -DIN=${_src} -DOUT=${_out}
              -P "${CMAKE_CURRENT_LIST_DIR}/scdoc.cmake"
      DEPENDS "${_src}" "${CMAKE_CURRENT_LIST_DIR}/scdoc.cmake"
      COMMENT "Generating man page ${_page}"
      VERBATIM)
    list(APPEND RXC_MAN_PAGES "${_out}")
    install(FILES "${_out}" DESTINATION "${CMAKE_INSTALL_MANDIR}/man${_section}")
  endforeach()
  add_custom_target(man ALL DEPENDS ${RXC_MAN_PAGES})
else()
  message(STATUS "scdoc not found: the man pages rxcheck(1) and "
                 "rxcheck-rules(5) are not built (apt-get install scdoc)")
endif()

# ---- shell completions -------------------------------------------------------
install(FILES "${CMAKE_SOURCE_DIR}/engine/cli/completions/rxcheck.bash"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions"
        RENAME rxcheck)
# zsh: Debian's zsh looks in /usr/share/zsh/vendor-completions for
# packaged functions and in PREFIX/share/zsh/site-functions for the rest;
# the prefix is known at install time only.
install(CODE "
  if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
    set(_rxc_zsh \"${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions\")
  else()
    set(_rxc_zsh \"${CMAKE_INSTALL_DATADIR}/zsh/site-functions\")
  endif()
  file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/\${_rxc_zsh}\" TYPE FILE
    RENAME _rxcheck
    FILES \"${CMAKE_SOURCE_DIR}/engine/cli/completions/rxcheck.zsh\")
")

# ---- the Debian package: `make deb` (cpack -G DEB in the build tree) --------
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "rxcheck")
set(CPACK_PACKAGE_VENDOR "rxcheck")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "rxcheck maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "clinical indication and interaction rule checker for prescription exports")
set(CPACK_PACKAGE_DESCRIPTION
    "rxcheck checks every row of a prescription CSV export against declarative rule packs (YAML): the indication each diagnosis maps to and its regulatory status by jurisdiction, product form and age, contraindicated co-medications, interactions, dose limits and boxed warnings, each with the rule and the source behind it. The fluvoxamine pack is built in. Includes the C library (shared and static), its headers, pkg-config and CMake files.")
# Install with DESTDIR and the real prefix, so rxcheck.pc says /usr.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX "/usr")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# Debian 12 names of the runtime libraries rxcheck_lib links (table above);
# tests/packaging/deb.sh checks them against what the binaries really need.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${RXC_DEB_DEPENDS}")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
include(CPack)

# ---- tests of all of the above -----------------------------------------------
if(RXC_TESTS AND BUILD_TESTING)
  add_subdirectory(tests/examples)
  add_subdirectory(tests/packaging)
endif()
