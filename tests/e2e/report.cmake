# End-to-end checks of the report and the HOTPATH_* configuration on real
# programs (tests/e2e/report_checks.py; included by tests/CMakeLists.txt).
set(_hotpath_report_plugin "")
if(TARGET hotpath_gcc_plugin)
  set(_hotpath_report_plugin "--plugin-flags=-fplugin=${CMAKE_BINARY_DIR}/plugin-gcc/hotpath.so")
endif()
add_test(NAME report_checks
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/report_checks.py
    --cc ${HOTPATH_TEST_CC}
    --include ${HOTPATH_RUNTIME_INCLUDE}
    --lib $<TARGET_FILE:hotpath_static>
    --work ${CMAKE_CURRENT_BINARY_DIR}/report-checks
    --docs ${PROJECT_SOURCE_DIR}/docs/reliability.md
    ${_hotpath_report_plugin})
set_tests_properties(report_checks PROPERTIES LABELS "e2e" TIMEOUT 300)
