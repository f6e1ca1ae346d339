# ACMECTL_SANITIZE builds everything with ASan + UBSan (halting on UB).
if(ACMECTL_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
