# ACMECTL_LEAN shapes Release builds (packages, scripts/bench) for resident
# memory: acmectl spends its time in libcrypto and on the network, while every
# page of code a run touches counts in its peak RSS. -Os, link-time
# optimisation and dropped unused sections shrink the binary's text from
# 2.4 MB to 0.8 MB; linking libstdc++ in keeps only the parts acmectl uses
# instead of mapping the whole shared library. Measured in
# scripts/bench.d/RESULTS.md. Debug/RelWithDebInfo builds are left alone.
option(ACMECTL_LEAN "Release builds: optimise for size, LTO, libstdc++ linked statically" ON)
if(ACMECTL_LEAN AND NOT ACMECTL_SANITIZE)
  set(lean_release "$<CONFIG:Release>")
  # After CMAKE_CXX_FLAGS_RELEASE's -O3 on the command line, so -Os wins.
  add_compile_options("$<${lean_release}:-Os;-ffunction-sections;-fdata-sections>")
  add_link_options("$<${lean_release}:-Os;LINKER:--gc-sections;-static-libstdc++;-static-libgcc>")
  include(CheckIPOSupported)
  check_ipo_supported(RESULT lean_ipo OUTPUT lean_ipo_output LANGUAGES CXX)
  if(lean_ipo)
    set(CMAKE_INTERPROCEDURAL_OPTIMIZATION_RELEASE ON)
  else()
    message(STATUS "ACMECTL_LEAN: no link-time optimisation: ${lean_ipo_output}")
  endif()
endif()
