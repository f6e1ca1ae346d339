# What `cmake --install` puts where (GNUInstallDirs), and the Debian package:
#   cmake --build build --target package   ->  build/acmectl_<version>_amd64.deb
# The binary installs from cli/CMakeLists.txt. Man pages and completions are
# the committed files of man/ and completions/ (scripts/gen-docs writes them),
# so neither building nor packaging needs python.

set(ACMECTL_SYSTEMD_UNIT_DIR "/lib/systemd/system" CACHE PATH
    "Where the systemd units go (absolute; empty: do not install them)")

set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# Debian wants man pages and changelogs compressed with gzip -9n (no timestamp).
set(acmectl_man_pages
  acmectl.1 acmectl-register.1 acmectl-issue.1 acmectl-renew.1 acmectl-deploy-hook.1
  acmectl-revoke.1 acmectl-check.1 acmectl-expiry.1 acmectl-list.1 acmectl-delete.1
  acmectl-import.1 acmectl-store.1 acmectl-sync.1 acmectl.conf.5)
set(acmectl_gzipped)
foreach(file IN LISTS acmectl_man_pages ITEMS changelog)
  if(file STREQUAL "changelog")
    set(source ${PROJECT_SOURCE_DIR}/packaging/deb/changelog)
  else()
    set(source ${PROJECT_SOURCE_DIR}/man/${file})
  endif()
  set(gzipped ${PROJECT_BINARY_DIR}/gz/${file}.gz)
  add_custom_command(OUTPUT ${gzipped}
                     COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/gz
                     COMMAND gzip -9n -c ${source} > ${gzipped}
                     DEPENDS ${source} VERBATIM)
  list(APPEND acmectl_gzipped ${gzipped})
  if(file MATCHES "\\.([1-8])$")
    install(FILES ${gzipped} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${CMAKE_MATCH_1})
  endif()
endforeach()
add_custom_target(acmectl_docs ALL DEPENDS ${acmectl_gzipped})

install(FILES completions/acmectl.bash RENAME acmectl
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES completions/_acmectl DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES completions/acmectl.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
if(ACMECTL_SYSTEMD_UNIT_DIR)
  install(FILES packaging/systemd/acmectl-renew.service packaging/systemd/acmectl-renew.timer
                packaging/systemd/acmectl-sync.service
          DESTINATION ${ACMECTL_SYSTEMD_UNIT_DIR})
endif()
install(FILES packaging/cron/acmectl RENAME acmectl.cron DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
# Conffiles (packaging/deb/conffiles): the cron job does nothing where systemd
# runs (the timer renews there), as certbot's package does; the example
# acmectl.conf sets nothing.
install(FILES packaging/cron/acmectl DESTINATION /etc/cron.d)
install(FILES packaging/deb/acmectl.conf DESTINATION /etc/acmectl)
# Debian's dh_strip drops .comment (compiler versions) from binaries; so do we.
install(CODE "execute_process(COMMAND objcopy --remove-section=.comment
                              \$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/acmectl
                              RESULT_VARIABLE rc)
              if(rc)
                message(FATAL_ERROR \"objcopy --remove-section=.comment failed\")
              endif()")
install(FILES packaging/deb/copyright ${PROJECT_BINARY_DIR}/gz/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# CPack: one Debian package, its dependencies found by dpkg-shlibdeps.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME acmectl)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "obtain, renew, deploy and monitor TLS certificates over ACME")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # acmectl_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "acmectl developers <acmectl@example.org>")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS ca-certificates)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS bind9-dnsutils) # nsupdate for --dns-rfc2136
# Maintainer scripts as dh_installsystemd writes them: the renew timer is
# enabled and started on install (a local disable survives upgrades).
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/deb/postinst ${PROJECT_SOURCE_DIR}/packaging/deb/prerm
    ${PROJECT_SOURCE_DIR}/packaging/deb/postrm ${PROJECT_SOURCE_DIR}/packaging/deb/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY in front of the long description.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "acmectl is a client for ACME (RFC 8555) certificate authorities such as
Let's Encrypt. It registers accounts, issues certificates through the
http-01 challenge (webroot or a built-in server), dns-01 (a hook program
or RFC 2136 dynamic updates) and tls-alpn-01, keeps them in a local
store, renews them from a systemd timer or cron with exponential backoff
and ARI (RFC 9773), deploys them with install steps and hooks that keep
certbot's hook variables, and reports certificate expiry as text, JSON,
Prometheus metrics or a Nagios plugin line.")
include(CPack)
