# Hardening as Debian's dpkg-buildflags gives packages (lintian checks the
# binary for it): a read-only GOT resolved at start-up, and fortified libc
# calls where the compiler optimizes (glibc wants -O for _FORTIFY_SOURCE).
# ACMECTL_HARDENING=OFF drops only the fortification, which changes every
# compile command: a developer build may then reuse a shared compiler cache.
option(ACMECTL_HARDENING "Compile with -D_FORTIFY_SOURCE=2 (optimized builds)" ON)
if(ACMECTL_HARDENING)
  add_compile_definitions($<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>)
endif()
add_link_options(-Wl,-z,relro,-z,now)
