# SPDX-License-Identifier: MIT
# iperf3 control codec fuzzer; corpus in fuzz/corpus/iperf3_control/.
netrig_fuzz(iperf3_control
    SOURCES ${CMAKE_SOURCE_DIR}/src/tools/iperf3/control_codec_fuzz.cpp
    DEPS tools_iperf3)
