# Runs scdoc: cmake -DSCDOC=scdoc -DIN=page.1.scd -DOUT=page.1 -P scdoc.cmake
# (a script, so the redirections work with every generator). scdoc takes
# the page's date from SOURCE_DATE_EPOCH when set (reproducible builds).
get_filename_component(dir "${OUT}" DIRECTORY)
file(MAKE_DIRECTORY "${dir}")
execute_process(COMMAND "${SCDOC}" INPUT_FILE "${IN}" OUTPUT_FILE "${OUT}.tmp"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE "${OUT}.tmp")
  message(FATAL_ERROR "scdoc failed on ${IN}")
endif()
file(RENAME "${OUT}.tmp" "${OUT}")
