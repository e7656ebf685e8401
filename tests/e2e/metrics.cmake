# HOTPATH_METRICS, the Prometheus endpoint (included by tests/CMakeLists.txt):
# the endpoint against bad input and a parse of its exposition
# (metrics_endpoint.py, with promtool when installed), and a real Prometheus
# server scraping it (metrics_prometheus.py; skipped without the prometheus
# package). Loopback only. The endpoint is the runtime's: one plugin (GCC's)
# builds the program.
if(TARGET hotpath_gcc_plugin)
  foreach(check endpoint prometheus)
    add_test(NAME gcc_metrics_${check}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/metrics_${check}.py
        --cc ${HOTPATH_TEST_CC}
        --plugin-flags=-fplugin=${CMAKE_BINARY_DIR}/plugin-gcc/hotpath.so
        --include ${HOTPATH_RUNTIME_INCLUDE}
        --lib $<TARGET_FILE:hotpath_static>
        --work ${CMAKE_CURRENT_BINARY_DIR}/metrics_${check}
        --sanitizer=${HOTPATH_SANITIZE})
    set_tests_properties(gcc_metrics_${check} PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77
      LABELS metrics)
  endforeach()
endif()
