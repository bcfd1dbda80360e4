#!/usr/bin/python3
"""Count every linear region (exact star set) of a ReLU network over a box with nnenum, for bench/regions.ts
(one process) and bench/scale.ts peer (1 and 2 processes). Not nnenum's code: it only calls nnenum's public enumerate_network in exact mode.
usage: nnenum_count.py NET.onnx (lo,hi | PROP.vnnlib) [PROCESSES]   (default 1; bench/scale.ts peer runs 1 and 2)
prints one line: stars=<n> seconds=<enumeration wall time>
Needs nnenum on PYTHONPATH (bench/regions.ts adds $NNENUM_DIR/src and $NNENUM_SHIM)."""
import sys
import time

import numpy as np
from nnenum.enumerate import enumerate_network
from nnenum.onnx_network import load_onnx_network_optimized
from nnenum.settings import Settings
from nnenum.vnnlib import get_num_inputs_outputs, read_vnnlib_simple

net_file, box_arg = sys.argv[1], sys.argv[2]
processes = int(sys.argv[3]) if len(sys.argv) > 3 else 1
n_in, n_out, dtype = get_num_inputs_outputs(net_file)
if box_arg.endswith(".vnnlib"):
    box = read_vnnlib_simple(box_arg, n_in, n_out)[0][0]
else:
    lo, hi = map(float, box_arg.split(","))
    box = [[lo, hi]] * n_in
net = load_onnx_network_optimized(net_file)
Settings.BRANCH_MODE = Settings.BRANCH_EXACT
Settings.TRY_QUICK_OVERAPPROX = False
Settings.TIMING_STATS = False
Settings.PRINT_OUTPUT = False
Settings.NUM_PROCESSES = processes
t0 = time.perf_counter()
res = enumerate_network(np.array(box, dtype=dtype), net, spec=None)
print(f"stars={res.total_stars} seconds={time.perf_counter() - t0:.3f}")
