# ACMECTL_FUZZ instruments everything for libFuzzer (coverage) and with ASan +
# UBSan; the harnesses of tests/fuzz link -fsanitize=fuzzer. clang only.
# clang 14 cannot emit coverage and ASan together for coroutines ("Cannot
# represent a difference across sections"): acme_probe, whose probes are
# coroutines, gets ASan + UBSan only; fuzz_probe_target compiles target.cpp
# itself, with coverage.
if(ACMECTL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "ACMECTL_FUZZ needs clang (CXX=clang++); see scripts/fuzz")
  endif()
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer
                      "$<$<NOT:$<STREQUAL:$<TARGET_PROPERTY:NAME>,acme_probe>>:-fsanitize=fuzzer-no-link>")
  add_link_options(-fsanitize=address,undefined)
endif()
