# Warnings for every target of ours; ACMECTL_DEV turns them into errors.
add_library(acmectl_warnings INTERFACE)
target_compile_options(acmectl_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                  -Wnon-virtual-dtor -Wold-style-cast)
if(ACMECTL_DEV)
  target_compile_options(acmectl_warnings INTERFACE -Werror)
endif()
