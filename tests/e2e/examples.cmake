# The examples as smoke tests (included by tests/CMakeLists.txt): every build
# of an example whose source has EXPECT lines (examples/CMakeLists.txt lists
# them) is run, and its JSON report checked against those lines by
# check_example.py. Names: example_<example>_<compiler>, e.g.
# example_blocks_gcc, example_threads_clang19.
get_property(_hotpath_examples GLOBAL PROPERTY HOTPATH_EXAMPLE_TESTS)
foreach(entry ${_hotpath_examples})
  string(REPLACE "|" ";" entry "${entry}")
  list(GET entry 0 test)
  list(GET entry 1 program)
  list(GET entry 2 source)
  add_test(NAME example_${test}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/check_example.py
      --exe ${program} --source ${source}
      --sanitizer=${HOTPATH_SANITIZE}
      --work ${CMAKE_CURRENT_BINARY_DIR}/examples)
  set_tests_properties(example_${test} PROPERTIES LABELS "examples" TIMEOUT 120)
  if(test MATCHES "^threads_")
    set_property(TEST example_${test} APPEND PROPERTY LABELS threads)
  endif()
endforeach()
